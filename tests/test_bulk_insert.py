"""``bulk_insert``: from COPY_FROM rows up PostgreSQL inserts by COPY, and what is read back
is what an ordinary insert would have stored, ids included."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from governance.bulk_insert import COPY_FROM, bulk_insert
from governance.compliance.models import Obligation
from governance.determinations.models import Determination

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [3, COPY_FROM + 3])
def test_rows_come_back_saved_with_their_ids_and_every_value(world, count):
    model = world.register("Aster")
    basis = {"domains": {"bio": {"capability": "0.6000", "band": "high"}}, "note": 'quote " tab \t é'}
    rows = [
        Determination(
            model=model,
            tier=3,
            kind=Determination.Kind.REVALIDATION,
            status=Determination.Status.SUPERSEDED,
            threshold_set=world.threshold_set,
            basis=basis,
            evidence_complete=False,
            rationale=f"Row {i}.",
        )
        for i in range(count)
    ]
    with transaction.atomic():
        saved = bulk_insert(rows)
    assert all(row.pk is not None and not row._state.adding for row in saved)
    stored = {d.pk: d for d in Determination.objects.filter(rationale__startswith="Row ")}
    assert sorted(stored) == sorted(row.pk for row in saved)
    last = stored[saved[-1].pk]
    assert (last.rationale, last.basis, last.tier, last.model_id) == (f"Row {count - 1}.", basis, 3, model.pk)
    assert last.created_at is not None  # auto_now_add filled in as by save()


def test_a_constraint_violation_is_an_integrity_error_and_writes_nothing(world):
    model = world.register("Aster")
    duplicates = [
        Obligation(model=model, kind="incident_report", tier=3, period_months=None, next_due=date(2027, 1, 1))
        for _ in range(COPY_FROM + 1)
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert(duplicates)
    assert not Obligation.objects.filter(model=model, kind="incident_report").exists()
