"""A case's docket (SPEC section 18, issue 15): numbered, dated entries built from the case's
audit events, with their author's name and the files uploaded with them, and the case's
clocks. Three queries whatever the case's length: its events, its files, the people named."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from governance.audit.models import AuditEvent
from governance.cases.models import NOTE_ACTION, Appeal, CaseFile, Contest, ReReview
from governance.registry.people import person
from governance.registry.roles import sees_all_dossiers
from governance.tiering import clocks

# Entries only the regulator's staff see: internal notes, the deadline sweep's overdue flags.
STAFF_ONLY = frozenset({NOTE_ACTION, "contest.overdue", "appeal.overdue"})

_TITLES = {
    "contest.filed": "Contest filed",
    "contest.assign": "Adjudicator assigned",
    "contest.request_information": "Information requested",
    "contest.provide_information": "Information provided",
    "contest.decide": "Decided",
    "contest.dismiss": "Dismissed as inadmissible",
    "contest.withdraw": "Withdrawn",
    "contest.overdue": "Decision overdue",
    "appeal.filed": "Appealed",
    "appeal.assign_panel": "Panel assigned",
    "appeal.schedule_hearing": "Hearing scheduled",
    "appeal.vote": "Vote cast",
    "appeal.decided": "Appeal decided",
    "appeal.withdraw": "Appeal withdrawn",
    "appeal.overdue": "Decision overdue",
    "rereview.opened": "Re-review opened",
    "rereview.assigned": "Assigned",
    "rereview.started": "Re-review started",
    "rereview.completed": "Re-review completed",
    "enforcement.opened": "Enforcement case opened",
    NOTE_ACTION: "Internal note",
}


@dataclass
class DocketEntry:
    number: int
    at: datetime
    action: str
    title: str
    author: str
    details: list[str]
    actor_id: int | None = None
    internal: bool = False  # an internal note, shown to staff only
    documents: list[CaseFile] = field(default_factory=list)


@dataclass(frozen=True)
class Clock:
    """A deadline on the case: running (``days_left``), paused, or past."""

    label: str
    due: date
    days_left: int | None
    paused_since: date | None = None


@dataclass
class Docket:
    entries: list[DocketEntry]
    clocks: list[Clock]
    decided_on: date | None = None
    appeal_by: date | None = None


def _after(changes: dict, key: str) -> Any:
    value = changes.get(key)
    return value[1] if isinstance(value, list) and len(value) == 2 else None


def _details(action: str, changes: dict, people: dict[int, Any]) -> list[str]:
    def name(pk: int | None) -> str:
        return person(people.get(pk)) if pk else ""

    out = []
    if action == "contest.filed" and _after(changes, "requested_tier"):
        out.append(f"Tier {_after(changes, 'requested_tier')} requested; decision due {_after(changes, 'due_date')}")
    if _after(changes, "adjudicator"):
        out.append(f"Adjudicator: {name(_after(changes, 'adjudicator'))}")
    if _after(changes, "assignee"):
        out.append(f"Assignee: {name(_after(changes, 'assignee'))}")
    if _after(changes, "panel"):
        members = ", ".join(name(pk) for pk in _after(changes, "panel"))
        out.append(f"Panel: {members}; chair {name(_after(changes, 'chair'))}")
    if _after(changes, "hearing_at"):
        hearing = parse_datetime(_after(changes, "hearing_at"))
        out.append(f"Hearing on {timezone.localtime(hearing):%d %b %Y at %H:%M}" if hearing else "Hearing scheduled")
    if action == "contest.provide_information" and _after(changes, "due_date"):
        out.append(f"Decision now due {_after(changes, 'due_date')}")
    if _after(changes, "outcome"):
        tier = _after(changes, "decided_tier") or _after(changes, "tier")
        out.append(f"Outcome: {_after(changes, 'outcome')}" + (f", Tier {tier}" if tier else ""))
    if _after(changes, "vote"):
        out.append(f"Vote: {_after(changes, 'vote')}")
    for key in ("message", "reasons", "rationale", "grounds", "text"):
        if _after(changes, key):
            out.append(str(_after(changes, key)))
    return out


def _people_named(events: list[AuditEvent]) -> set[int]:
    ids: set[int] = set()
    for event in events:
        for key in ("adjudicator", "chair", "assignee"):
            if isinstance(_after(event.changes, key), int):
                ids.add(_after(event.changes, key))
        ids.update(pk for pk in (_after(event.changes, "panel") or []) if isinstance(pk, int))
    return ids


def _entries(events_q: Q, files: list[CaseFile], user: Any) -> list[DocketEntry]:
    events = list(AuditEvent.objects.filter(events_q).select_related("actor").order_by("seq"))
    if not sees_all_dossiers(user):
        events = [e for e in events if e.action not in STAFF_ONLY]
    people = {u.pk: u for u in get_user_model().objects.filter(pk__in=_people_named(events))} if events else {}
    entries = [
        DocketEntry(
            number=n,
            at=event.timestamp,
            action=event.action,
            title=_TITLES.get(event.action, event.action),
            author=person(event.actor) if event.actor_id else event.actor_label,
            details=_details(event.action, event.changes, people),
            actor_id=event.actor_id,
            internal=event.action == NOTE_ACTION,
        )
        for n, event in enumerate(events, start=1)
    ]
    # A file belongs to the last entry its uploader made before uploading it (same transaction).
    for upload in files:
        mine = [e for e in entries if e.actor_id == upload.uploaded_by_id and e.at <= upload.uploaded_at]
        if mine:
            mine[-1].documents.append(upload)
    return entries


def _running(label: str, due: date | None, today: date) -> Clock | None:
    return Clock(label=label, due=due, days_left=(due - today).days) if due else None


def _q(obj: Any, *actions: str) -> Q:
    q = Q(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return q & Q(action__in=actions) if actions else q


def contest_docket(contest: Contest, *, user: Any) -> Docket:
    """The contest's entries, and the appeal filed against its decision if there is one."""
    today = timezone.localdate()
    appeal = Appeal.objects.filter(contest=contest).only("pk").first()
    events_q = _q(contest) | (_q(appeal, "appeal.filed") if appeal else Q(pk__in=[]))
    entries = _entries(events_q, list(contest.files.all()), user)
    docket = Docket(entries=entries, clocks=[])
    if contest.state == Contest.State.AWAITING_INFORMATION:
        docket.clocks.append(Clock("Decision due", contest.due_date, None, paused_since=contest.paused_since))
    elif contest.is_open:
        docket.clocks.append(_running("Decision due", contest.due_date, today))  # type: ignore[arg-type]
    if contest.decided_at:
        docket.decided_on = timezone.localdate(contest.decided_at)
        if contest.state == Contest.State.DECIDED:
            docket.appeal_by = clocks.window_closes(docket.decided_on, settings.APPEAL_WINDOW_DAYS)
            if appeal is None and today <= docket.appeal_by:
                docket.clocks.append(_running("Appeal by", docket.appeal_by, today))  # type: ignore[arg-type]
    return docket


def appeal_docket(appeal: Appeal, *, user: Any) -> Docket:
    today = timezone.localdate()
    entries = _entries(_q(appeal), list(appeal.files.all()), user)
    docket = Docket(entries=entries, clocks=[])
    if appeal.is_open:
        docket.clocks.append(_running("Decision due", appeal.due_date, today))  # type: ignore[arg-type]
    if appeal.decided_at:
        docket.decided_on = timezone.localdate(appeal.decided_at)
    return docket


def rereview_docket(rereview: ReReview, *, user: Any) -> Docket:
    today = timezone.localdate()
    docket = Docket(entries=_entries(_q(rereview), [], user), clocks=[])
    clock = _running("Due", rereview.due_date, today) if rereview.state != ReReview.State.COMPLETED else None
    if clock:
        docket.clocks.append(clock)
    return docket


def case_docket(case: Any, *, user: Any) -> Docket:
    """The docket of a case with no clock of its own (an enforcement case): its events."""
    return Docket(entries=_entries(_q(case), [], user), clocks=[])
