"""Plain-row inserts: on PostgreSQL by COPY, and what is read back is what an ordinary insert
would have stored, ids and the left-out fields' defaults included."""

import json
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from governance.cases.models import ReReview
from governance.compliance.models import Obligation
from governance.determinations.models import Determination
from governance.platform.bulk_insert import COPY_FROM, insert_rows, insert_rows_returning_ids

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [3, COPY_FROM + 3])
def test_rows_are_stored_with_every_value_as_an_ordinary_insert_would(world, count):
    model = world.register("Aster")
    basis = {"domains": {"bio": {"capability": "0.6000", "band": "high"}}, "note": 'quote " tab \t é'}
    fields = ("model_id", "tier", "kind", "status", "threshold_set_id", "basis", "evidence_complete", "rationale")
    rows = [
        (model.pk, 3, "revalidation", "superseded", world.threshold_set.pk, json.dumps(basis), False, f"Row {i}.")
        for i in range(count)
    ]
    with transaction.atomic():
        ids = insert_rows_returning_ids(Determination, fields, rows)
    stored = {d.pk: d for d in Determination.objects.filter(rationale__startswith="Row ")}
    assert sorted(stored) == sorted(ids)
    last = stored[ids[-1]]
    assert (last.rationale, last.basis, last.tier, last.model_id) == (f"Row {count - 1}.", basis, 3, model.pk)
    assert last.created_at is not None  # auto_now_add filled in as by save()


def test_a_constraint_violation_is_an_integrity_error_and_writes_nothing(world):
    model = world.register("Aster")
    duplicates = [(model.pk, "incident_report", 3, date(2027, 1, 1)) for _ in range(COPY_FROM + 1)]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows_returning_ids(Obligation, ("model_id", "kind", "tier", "next_due"), duplicates)
    assert not Obligation.objects.filter(model=model, kind="incident_report").exists()


@pytest.mark.parametrize("count", [3, COPY_FROM + 3])
def test_plain_rows_come_back_with_their_ids_and_the_other_fields_defaults(world, count):
    model = world.register("Aster")
    fields = ("model_id", "kind", "tier", "period_months", "next_due")
    rows = [(model.pk, f"kind-{i}", 3, 3, date(2027, 1, i % 28 + 1)) for i in range(count)]
    with transaction.atomic():
        ids = insert_rows_returning_ids(Obligation, fields, rows)
    stored = Obligation.objects.in_bulk(ids)
    assert len(stored) == count
    last = stored[ids[-1]]
    assert (last.kind, last.next_due, last.model_id) == (f"kind-{count - 1}", rows[-1][4], model.pk)
    # Fields left out get their defaults, as from save().
    assert (last.status, last.consecutive_overdue, last.grace_days, last.reminders_sent) == ("active", 0, 7, [])
    assert last.created_at is not None and last.retired_at is None


def test_streamed_rows_are_stored_with_json_given_as_text(world):
    model = world.register("Aster")
    fields = ("model_id", "kind", "tier", "reminders_sent")
    with transaction.atomic():
        insert_rows(Obligation, fields, ((model.pk, f"streamed-{i}", 4, '["14"]') for i in range(COPY_FROM + 1)))
    stored = Obligation.objects.filter(kind__startswith="streamed-")
    assert stored.count() == COPY_FROM + 1
    assert {tuple(o.reminders_sent) for o in stored} == {("14",)}


def test_blank_text_fields_left_out_are_stored_empty_not_null(world):
    """A left-out ``CharField(blank=True)`` stores "" as ``save()`` would; a NOT NULL
    violation here once made a whole baseline shift's re-reviews vanish."""
    model = world.register("Aster")
    fields = ("reference", "model_id", "trigger", "state")
    rows = [(f"XX-{i}", model.pk, "own_motion", "completed") for i in range(COPY_FROM + 1)]
    with transaction.atomic():
        ids = insert_rows_returning_ids(ReReview, fields, rows)
    stored = ReReview.objects.get(pk=ids[-1])
    assert (stored.reference, stored.outcome, stored.rationale, stored.reason) == (f"XX-{COPY_FROM}", "", "", "")
    assert stored.assignee_id is None and stored.opened_at is not None
