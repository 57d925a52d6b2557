"""The audit trail: written with every change, append-only, tamper-evident (SPEC 12)."""

import json
import threading
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from governance.audit.models import AuditEvent
from governance.audit.services import (
    PendingEvent,
    appended_last,
    canonical,
    changes_json,
    jsonable,
    record,
    record_many,
    verify_chain,
)
from governance.compliance.models import Obligation
from governance.determinations.models import Determination
from governance.platform.bulk_insert import COPY_FROM
from governance.platform.errors import Invalid
from governance.registry.models import AIModel


def test_every_change_writes_its_event(world):
    model = world.register("Aster")
    actions = list(
        AuditEvent.objects.filter(organization_id=world.aurora.pk).order_by("seq").values_list("action", flat=True)
    )
    assert actions[:3] == ["model.registered", "determination.created", "determination.in_force"]
    registered = AuditEvent.objects.get(action="model.registered", object_id=str(model.pk))
    assert registered.actor == world.dev_aurora
    assert registered.changes["name"] == [None, "Aster"]


def test_failed_service_writes_no_event(world):
    before = AuditEvent.objects.count()
    with pytest.raises(Invalid):
        world.register("", version="1")
    assert AuditEvent.objects.count() == before
    assert not AIModel.objects.filter(name="").exists()


def test_events_need_the_transaction_of_the_change(world):
    model = world.register("Aster")
    with pytest.raises(RuntimeError):
        # Outside any atomic block (pytest-django wraps tests, so leave it explicitly).
        from governance.audit import services

        original = services.transaction.get_connection

        class NoAtomic:
            in_atomic_block = False

        services.transaction.get_connection = lambda: NoAtomic()
        try:
            record(actor=None, action="x", obj=model)
        finally:
            services.transaction.get_connection = original


def test_chain_verifies_and_detects_tampering(world):
    world.register("Aster")
    report = verify_chain()
    assert report.ok and report.events == AuditEvent.objects.count() and report.first_broken is None
    victim = AuditEvent.objects.order_by("seq")[3]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET changes = %s WHERE id = %s", ['{"forged": [1, 2]}', victim.pk])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    report = verify_chain()
    assert not report.ok and report.first_broken == victim.seq
    with pytest.raises(CommandError, match=f"BROKEN at event #{victim.seq}"):
        call_command("verify_audit")


def test_a_large_append_is_stored_as_hashed(world):
    """On PostgreSQL events are appended by COPY: what is read back must be
    exactly what was hashed, or the chain would not verify."""
    events = [
        PendingEvent("thing.changed", "registry.aimodel", str(i), {"tier": [2, 3], "note": [None, "é ✓ \\ \t"]}, 7)
        for i in range(COPY_FROM + 5)
    ]
    with transaction.atomic():
        record_many(events, actor=world.regulator)
    stored = AuditEvent.objects.filter(action="thing.changed").order_by("seq")
    assert [e.object_id for e in stored] == [str(i) for i in range(COPY_FROM + 5)]
    last = stored.last()
    assert (last.object_id, last.organization_id, last.actor_id, last.actor_label) == (
        str(COPY_FROM + 4),
        7,
        world.regulator.pk,
        world.regulator.username,
    )
    assert last.changes == {"tier": [2, 3], "note": [None, "é ✓ \\ \t"]}
    assert verify_chain().ok


def test_deleted_event_breaks_the_chain(world):
    world.register("Aster")
    victim = AuditEvent.objects.order_by("seq")[2]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [victim.pk])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    assert verify_chain().first_broken == victim.seq + 1


def test_verify_command_reports_ok(world, capsys):
    world.register("Aster")
    call_command("verify_audit")
    assert "Audit chain OK" in capsys.readouterr().out


@pytest.mark.postgres
def test_trigger_refuses_update_and_delete(world):
    from django.db import DatabaseError

    world.register("Aster")
    event = AuditEvent.objects.first()
    for sql in ("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", "DELETE FROM audit_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_the_chain_valid(world):
    model = world.register("Aster")
    errors = []

    def append(n):
        try:
            for i in range(10):
                with transaction.atomic():
                    record(actor=None, action=f"test.{n}.{i}", obj=model)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify_chain()
    assert report.ok and AuditEvent.objects.filter(action__startswith="test.").count() == 30


_text = st.text(max_size=12)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)


@given(
    seq=st.integers(min_value=1, max_value=10**12),
    actor_id=st.none() | st.integers(min_value=1, max_value=10**9),
    labels=st.tuples(_text, _text, _text, _text, _text),
    organization_id=st.none() | st.integers(min_value=1, max_value=10**9),
    changes=st.dictionaries(_text, _json_values, max_size=4),
    microsecond=st.integers(min_value=0, max_value=999_999),
)
def test_canonical_json_is_the_sorted_compact_dump_of_the_event(
    seq, actor_id, labels, organization_id, changes, microsecond
):
    """The hashed text, assembled from its parts, is exactly the reference: the event's
    fields dumped as one JSON object with sorted keys and no spaces."""
    actor_label, action, object_type, object_id, request = labels
    timestamp = datetime(2026, 12, 2, 13, 45, 7, microsecond, tzinfo=UTC)
    event = AuditEvent(
        seq=seq,
        timestamp=timestamp,
        actor_id=actor_id,
        actor_label=actor_label,
        action=action,
        object_type=object_type,
        object_id=object_id,
        organization_id=organization_id,
        changes=changes,
        request_id=request,
    )
    reference = {
        "seq": seq,
        "timestamp": timestamp.isoformat(),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "organization_id": organization_id,
        "changes": changes,
        "request_id": request,
    }
    assert canonical(event) == json.dumps(reference, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_plain = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | _text
    | st.decimals(allow_nan=False, allow_infinity=False, places=4)
    | st.dates()
    | st.datetimes(timezones=st.just(UTC))
    | st.sampled_from([*Determination.Status, *Obligation.Status])
)
_keys = _text | st.integers(min_value=-20, max_value=20) | st.booleans() | st.none()
_changes_values = st.recursive(
    _plain,
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=8,
)


@given(changes=st.dictionaries(_text | st.integers(min_value=-20, max_value=20), _changes_values, max_size=5))
def test_changes_are_stored_as_their_round_trip_through_json_gives_them(changes):
    """Flat changes are dumped in one pass; the text is the same as by the round trip
    (which makes other keys text before sorting them), whatever the changes hold."""
    assert changes_json(changes) == json.dumps(
        jsonable(changes), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def test_flat_changes_with_dates_and_decimals_are_stored_as_text():
    changes = {"next_due": [None, date(2027, 3, 3)], "score": [Decimal("0.4600"), None], "tier": [2, 3]}
    assert changes_json(changes) == '{"next_due":[null,"2027-03-03"],"score":["0.4600",null],"tier":[2,3]}'
    assert changes_json({"status": [None, Determination.Status.IN_FORCE]}) == '{"status":[null,"in_force"]}'


def test_events_held_by_appended_last_join_the_chain_in_order_when_the_block_ends(world):
    model = world.register("Aster")
    before = AuditEvent.objects.count()
    with transaction.atomic(), appended_last():
        record(actor=None, action="held.first", obj=model)
        record_many(
            [PendingEvent("held.second", "registry.aimodel", str(model.pk), {"n": [1, 2]})], actor=world.regulator
        )
        assert AuditEvent.objects.count() == before  # nothing appended yet
    appended = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq").values_list("action", "actor_label"))
    assert appended == [("held.first", "system"), ("held.second", world.regulator.username)]
    assert verify_chain().ok


def test_a_block_that_raises_appends_none_of_its_held_events(world):
    model = world.register("Aster")
    before = AuditEvent.objects.count()
    with pytest.raises(Invalid), transaction.atomic(), appended_last():
        record(actor=None, action="held.lost", obj=model)
        raise Invalid("stop")
    assert AuditEvent.objects.count() == before


@pytest.mark.postgres
def test_trigger_refuses_truncate(world):
    """TRUNCATE fires no row trigger: a statement trigger refuses it (issue 17, item 22)."""
    from django.db import DatabaseError

    world.register("Aster")
    count = AuditEvent.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending in the test's transaction
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.count() == count > 0
