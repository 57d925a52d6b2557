"""Writing and verifying the audit trail.

Every service that changes a domain object calls :func:`record` inside its own
transaction, so the change and its event commit or roll back together.
"""

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple, cast

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils import timezone

from governance.audit.context import request_id
from governance.audit.models import AuditEvent
from governance.platform.bulk_insert import insert_rows

GENESIS = "0" * 64
# Arbitrary constant key for the PostgreSQL advisory lock that serializes chain appends.
_CHAIN_LOCK_KEY = 0x41505452


class PendingEvent(NamedTuple):
    """An audit event waiting to be appended (a named tuple: bulk writers make thousands)."""

    action: str
    object_type: str
    object_id: str
    changes: dict[str, Any]
    organization_id: int | None = None


def jsonable(value: Any) -> Any:
    """Decimals, dates and the like as the JSON the chain hashes and stores."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for each field whose value changed."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """Field values of ``instance`` (foreign keys by id), for :func:`diff`."""
    values = {}
    for name in fields:
        # A concrete field, by the callers' contract (a relation's reverse side has no value).
        field = cast("models.Field[Any, Any]", instance._meta.get_field(name))
        values[name] = getattr(instance, field.attname)
    return jsonable(values)


def created(instance: models.Model, fields: Iterable[str]) -> dict[str, list[Any]]:
    """``{field: [None, value]}`` for each of ``fields`` that has a value (as :func:`diff`
    from nothing; :func:`record_many` makes the values JSON)."""
    meta = instance._meta
    return created_from(
        {name: getattr(instance, cast("models.Field[Any, Any]", meta.get_field(name)).attname) for name in fields}
    )


def created_from(values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """:func:`created` for a row written without an instance: ``values`` by field name."""
    return {name: [None, value] for name, value in sorted(values.items()) if value is not None}


_json = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
_json_of_values = DjangoJSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode
# Values whose JSON is the same dumped at once as after a round trip through jsonable():
# these types, and text or numbers of any subclass (choices such as a determination's status).
_LEAVES = frozenset({str, int, float, bool, type(None), Decimal, date, datetime, time, timedelta, uuid.UUID})
_SCALARS = (str, int, float)


def changes_json(changes: Any) -> str:
    """The canonical JSON of an event's ``changes``, as the chain stores and hashes it:
    ``_json(jsonable(changes))``.

    Changes are nearly always flat, ``{field: [before, after]}`` of plain values: those are
    dumped in one pass, which is the same text (their keys are already text). Anything
    else takes the round trip, which turns other keys into text before they are sorted.
    A baseline shift appends tens of thousands of events, and the round trip was most of
    the time spent preparing them."""
    if type(changes) is dict and _flat(changes):
        return _json_of_values(changes)
    return _json(jsonable(changes))


def _flat(changes: dict) -> bool:
    for key, value in changes.items():
        if type(key) is not str:
            return False
        kind = type(value)
        if kind is list or kind is tuple:
            for item in value:
                if type(item) not in _LEAVES and not isinstance(item, _SCALARS):
                    return False
        elif kind not in _LEAVES and not isinstance(value, _SCALARS):
            return False
    return True


def _head(
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    organization_id: int | None,
    changes: str,
    request_id: str,
) -> str:
    """The canonical JSON of an event (its fields as one object, keys sorted, no spaces) up
    to its ``seq``: all that is known before the event has its place in the chain.

    Assembled from its parts, which is several times faster than dumping the object and
    gives the same text (``changes`` comes already in that form)."""
    return (
        f'{{"action":{_json(action)},"actor_id":{_id(actor_id)},"actor_label":{_json(actor_label)},'
        f'"changes":{changes},"object_id":{_json(object_id)},"object_type":{_json(object_type)},'
        f'"organization_id":{_id(organization_id)},"request_id":{_json(request_id)},"seq":'
    )


def _tail(timestamp: str) -> str:
    """The rest of the canonical JSON after the ``seq``."""
    return f',"timestamp":{_json(timestamp)}}}'


def _id(value: int | None) -> str:
    """An id as JSON (the encoder's slow path for a number, written out)."""
    return "null" if value is None else str(int(value))


def canonical(event: AuditEvent) -> str:
    head = _head(
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        organization_id=event.organization_id,
        changes=_json(event.changes),
        request_id=event.request_id,
    )
    return f"{head}{event.seq}{_tail(event.timestamp.isoformat())}"


def _hash(prev_hash: str, canonical_json: str) -> str:
    return hashlib.sha256((prev_hash + canonical_json).encode()).hexdigest()


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return _hash(prev_hash, canonical(event))


def _lock_chain_head() -> tuple[int, str]:
    """Serialize appends and return the head ``(seq, hash)``."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return head or (0, GENESIS)


_HEAD_FIELDS = (
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "organization_id",
    "changes",
    "request_id",
)
_COLUMNS = ("seq", "timestamp", *_HEAD_FIELDS, "prev_hash", "hash")


# An event ready for the chain: its stored fields but the place in the chain, and its
# canonical JSON up to the seq.
_Prepared = tuple[tuple[Any, ...], str]
_held: ContextVar[list[_Prepared] | None] = ContextVar("held_audit_events", default=None)


@contextmanager
def appended_last() -> Iterator[None]:
    """Hold the events recorded inside and append them in one go on the way out, still in
    the caller's transaction (nothing is appended if the block raises).

    Appending takes the chain's lock, which every writer then holds until its transaction
    ends; a bulk writer that appends last holds it only for the append, so writers working
    side by side wait for each other only there. Each event is prepared as it is recorded.
    """
    held: list[_Prepared] = []
    token = _held.set(held)
    try:
        yield
    finally:
        _held.reset(token)
    _append(held)


def record_many(events: Iterable[PendingEvent], *, actor: Any = None) -> None:
    """Append ``events`` to the chain in order, in the caller's transaction (or, inside
    :func:`appended_last`, when that block ends)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit events must be written inside the transaction of the change.")
    prepared = _prepare(list(events), actor)
    held = _held.get()
    if held is not None:
        held.extend(prepared)
    else:
        _append(prepared)


def _prepare(events: list[PendingEvent], actor: Any) -> list[_Prepared]:
    """Everything about ``events`` but their place in the chain, worked out before taking
    the chain's lock. Revalidation after a baseline shift appends tens of thousands at
    once, so each event goes from its parts to its stored row without an ``AuditEvent``."""
    if not events:
        return []
    request = request_id.get()
    user = actor if actor is not None and getattr(actor, "pk", None) else None
    actor_id = user.pk if user else None
    actor_label = user.get_username() if user else "system"
    prepared = []
    for pending in events:
        row = (
            actor_id,
            actor_label,
            pending.action,
            pending.object_type,
            str(pending.object_id),
            pending.organization_id,
            changes_json(pending.changes),
            request,
        )
        prepared.append((row, _head(*row)))  # the fields in _HEAD_FIELDS order
    return prepared


def _append(prepared: list[_Prepared]) -> None:
    """Append ``prepared`` events in order under one lock of the chain."""
    if not prepared:
        return
    seq, prev = _lock_chain_head()
    now = timezone.now()
    tail = _tail(now.isoformat())

    def rows() -> Iterator[tuple[Any, ...]]:
        nonlocal seq, prev
        for row, head in prepared:
            seq += 1
            digest = _hash(prev, f"{head}{seq}{tail}")
            yield (seq, now, *row, prev, digest)
            prev = digest

    insert_rows(AuditEvent, _COLUMNS, rows())


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
    organization_id: int | None = None,
) -> None:
    """Append one event about ``obj`` (a saved model instance)."""
    pending = PendingEvent(
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        changes=changes or {},
        organization_id=organization_id,
    )
    record_many([pending], actor=actor)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    head: str
    first_broken: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "events": self.events, "head": self.head, "first_broken": self.first_broken}


def verify_chain(*, chunk_size: int = 5000) -> ChainReport:
    """Recompute every link; report the ``seq`` of the first event that does not verify."""
    prev, expected_seq, count = GENESIS, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=chunk_size):
        count += 1
        if event.seq != expected_seq or event.prev_hash != prev or chain_hash(prev, event) != event.hash:
            return ChainReport(ok=False, events=count, head=prev, first_broken=event.seq)
        prev, expected_seq = event.hash, expected_seq + 1
    return ChainReport(ok=True, events=count, head=prev, first_broken=None)


@cache
def _head_sql() -> str:
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    return f"SELECT hash FROM {table} ORDER BY seq DESC LIMIT 1"


def chain_head() -> str:
    """The hash of the last event. Read by every cached page (``api/caching.py``), so written
    out once rather than compiled by the ORM on each request."""
    with connection.cursor() as cursor:
        cursor.execute(_head_sql())
        row = cursor.fetchone()
    return row[0] if row else GENESIS
