"""The only writer of determinations (SPEC sections 4 and 24).

Set-based for one model or thousands: a revalidation after a baseline shift writes
thousands of rows at once, so they go as plain rows through ``COPY`` and their audit
events as one batch. Call inside the pipeline's transaction, holding the models' row locks
(``governance.workflows.tier_changes``); nothing here writes another app's tables.
"""

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.utils import timezone

from governance.audit.services import PendingEvent, record_many
from governance.determinations.models import Determination
from governance.determinations.selectors import ModelState
from governance.platform.bulk_insert import insert_rows_returning_ids
from governance.platform.errors import IllegalTransition
from governance.tiering import transitions

LABEL = Determination._meta.label_lower
IN_FORCE = Determination.Status.IN_FORCE
PENDING = Determination.Status.PENDING_CONFIRMATION
SUPERSEDED = Determination.Status.SUPERSEDED
_basis_json = json.JSONEncoder(separators=(",", ":")).encode  # thousands of bases in a bulk run


class Decision(NamedTuple):
    """A determination to write for one model (a named tuple: bulk runs make thousands)."""

    state: ModelState
    tier: int
    kind: str
    in_force: bool
    basis: dict[str, Any]
    evidence_complete: bool
    rationale: str
    threshold_set_id: int | None
    decided_by_id: int | None = None


class Written(NamedTuple):
    """A determination as written: in force (``previous_tier`` is the tier it replaced) or
    pending confirmation."""

    state: ModelState
    pk: int
    tier: int
    kind: str
    in_force: bool
    evidence_complete: bool
    rationale: str
    previous_tier: int | None

    @property
    def rose(self) -> bool:
        return self.in_force and self.previous_tier is not None and self.tier > self.previous_tier


_FIELDS = (
    "model_id",
    "tier",
    "kind",
    "status",
    "threshold_set_id",
    "basis",
    "evidence_complete",
    "rationale",
    "effective_from",
    "decided_by_id",
    "previous_tier",
    "previous_id",
)


def _superseded(pks: Sequence[int], *, before: str, reason: str, states: dict[int, int]) -> list[PendingEvent]:
    """Supersede ``pks`` (of models' developers ``states``: pk → organisation)."""
    if not pks:
        return []
    Determination.objects.filter(pk__any=list(pks)).update(status=SUPERSEDED, superseded_at=timezone.now())
    changes: dict[str, list[Any]] = {"status": [before, SUPERSEDED]}
    if reason:
        changes["reason"] = [None, reason]
    return [PendingEvent("determination.superseded", LABEL, str(pk), changes, states[pk]) for pk in pks]


def write(
    decisions: Sequence[Decision], *, drop_pending: Sequence[tuple[ModelState, str]] = (), actor: Any = None
) -> list[Written]:
    """Write ``decisions`` and supersede what they replace: the tier in force for those in
    force, and the pending relaxations in ``drop_pending`` (each with its reason)."""
    now = timezone.now()
    events: list[PendingEvent] = []
    by_reason: dict[str, list[ModelState]] = {}
    for state, reason in drop_pending:
        by_reason.setdefault(reason, []).append(state)
    for reason, states in by_reason.items():
        pending = {s.pending_id: s.developer_id for s in states if s.pending_id is not None}
        events += _superseded(list(pending), before=PENDING, reason=reason, states=pending)
    replaced = {d.state.in_force_id: d.state.developer_id for d in decisions if d.in_force and d.state.in_force_id}
    events += _superseded(list(replaced), before=IN_FORCE, reason="", states=replaced)
    ids = insert_rows_returning_ids(
        Determination,
        _FIELDS,
        [
            (
                d.state.id,
                d.tier,
                d.kind,
                IN_FORCE if d.in_force else PENDING,
                d.threshold_set_id,
                _basis_json(d.basis),
                d.evidence_complete,
                d.rationale,
                now if d.in_force else None,
                d.decided_by_id,
                d.state.current_tier,
                d.state.in_force_id,
            )
            for d in decisions
        ],
    )
    written = []
    for d, pk in zip(decisions, ids, strict=True):
        status = IN_FORCE if d.in_force else PENDING
        events.append(
            PendingEvent(
                "determination.created",
                LABEL,
                str(pk),
                {
                    "model": [None, d.state.id],
                    "tier": [None, d.tier],
                    "kind": [None, d.kind],
                    "status": [None, status],
                    "threshold_set": [None, d.threshold_set_id],
                    "rationale": [None, d.rationale],
                    "decided_by": [None, d.decided_by_id],
                    "previous": [None, d.state.in_force_id],
                },
                d.state.developer_id,
            )
        )
        if d.in_force:
            events.append(_in_force_event(pk, d.state, d.tier))
        written.append(
            Written(d.state, pk, d.tier, d.kind, d.in_force, d.evidence_complete, d.rationale, d.state.current_tier)
        )
    record_many(events, actor=actor)
    return written


def _in_force_event(pk: int, state: ModelState, tier: int) -> PendingEvent:
    return PendingEvent(
        "determination.in_force",
        LABEL,
        str(pk),
        {"status": [PENDING, IN_FORCE], "tier": [state.current_tier, tier]},
        state.developer_id,
    )


def locked_pending(determination: Determination) -> Determination:
    """``determination`` locked, if it is still a relaxation awaiting confirmation."""
    locked = Determination.objects.select_for_update(of=("self",)).get(pk=determination.pk)
    if not transitions.allows("determination", "confirm", locked.status):
        raise IllegalTransition(f"This determination is {locked.get_status_display().lower()}, not pending.")
    return locked


def confirm(pending: Determination, state: ModelState, *, by: Any, reasons: str) -> Written:
    """Bring a locked pending relaxation into force, recording who confirmed it and why."""
    now = timezone.now()
    events = [
        PendingEvent(
            "determination.confirmed",
            LABEL,
            str(pending.pk),
            {"confirmed_by": [None, by.pk], "reasons": [None, reasons]},
            state.developer_id,
        )
    ]
    if state.in_force_id is not None:
        events += _superseded(
            [state.in_force_id], before=IN_FORCE, reason="", states={state.in_force_id: state.developer_id}
        )
    Determination.objects.filter(pk=pending.pk).update(
        status=IN_FORCE,
        effective_from=now,
        confirmed_by=by,
        resolved_at=now,
        resolution_reasons=reasons,
        previous_id=state.in_force_id,
        previous_tier=state.current_tier,
    )
    events.append(_in_force_event(pending.pk, state, pending.tier))
    record_many(events, actor=by)
    return Written(
        state,
        pending.pk,
        pending.tier,
        pending.kind,
        True,
        pending.evidence_complete,
        pending.rationale,
        state.current_tier,
    )


def reject(pending: Determination, state: ModelState, *, by: Any, reasons: str) -> Determination:
    """Reject a locked pending relaxation, recording who rejected it and why."""
    Determination.objects.filter(pk=pending.pk).update(
        status=Determination.Status.REJECTED, confirmed_by=by, resolved_at=timezone.now(), resolution_reasons=reasons
    )
    record_many(
        [
            PendingEvent(
                "determination.rejected",
                LABEL,
                str(pending.pk),
                {"status": [PENDING, Determination.Status.REJECTED], "reasons": [None, reasons]},
                state.developer_id,
            )
        ],
        actor=by,
    )
    pending.refresh_from_db()
    return pending
