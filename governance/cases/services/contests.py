"""Contest transitions (SPEC section 5). Each: one transaction, the case row locked, the
actor and state checked, the audit event written, notifications queued after commit."""

from collections.abc import Iterable
from typing import Any, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from governance.audit.services import created, diff, jsonable, record, snapshot
from governance.cases.models import OPEN_CONTEST_STATES, CaseMessage, Contest
from governance.cases.references import next_reference
from governance.cases.services.common import (
    CONTEST_TRANSITIONS,
    Determine,
    attach_files,
    eligible_adjudicator,
    tell_replaced,
)
from governance.determinations.models import Determination
from governance.notifications.services import members_of, notify, users_with_role
from governance.platform.errors import Conflict, Invalid, NotAllowed
from governance.platform.transitions import target_state
from governance.registry.people import person
from governance.registry.roles import BOARD, REGULATOR, is_adjudicator, is_developer, organization_id_of
from governance.tiering import clocks

CONTEST_FIELDS = ("reference", "model", "determination", "applicant", "grounds", "requested_tier", "state", "due_date")


def _lock(contest: Contest) -> Contest:
    return Contest.objects.select_for_update(of=("self",)).select_related("model").get(pk=contest.pk)


def _move(contest: Contest, action: str, *, by: Any, extra: dict | None = None) -> str:
    before = contest.state
    contest.state = target_state(CONTEST_TRANSITIONS, action, before, "contest")
    changes = {"state": [before, contest.state], **jsonable(extra or {})}
    record(
        actor=by, action=f"contest.{action}", obj=contest, changes=changes, organization_id=contest.model.developer_id
    )
    return before


def _link(contest: Contest) -> str:
    return f"/contests/{contest.pk}/"


def file_contest(
    *,
    by: Any,
    determination: Determination,
    grounds: str,
    requested_tier: int,
    files: Iterable[UploadedFile] = (),
) -> Contest:
    """A member of the developer organisation contests an in-force determination."""
    model = determination.model
    if not (is_developer(by) and organization_id_of(by) == model.developer_id):
        raise NotAllowed("Only the model's developer organisation may contest its tier.")
    if not grounds or not grounds.strip():
        raise Invalid(fields={"grounds": ["Grounds are required."]})
    if requested_tier not in (1, 2, 3, 4):
        raise Invalid(fields={"requested_tier": ["The requested tier must be 1, 2, 3 or 4."]})
    with transaction.atomic():
        determination = Determination.objects.select_for_update().get(pk=determination.pk)
        if determination.status != Determination.Status.IN_FORCE:
            raise Conflict("Only a determination in force can be contested.")
        if requested_tier == determination.tier:
            raise Invalid(fields={"requested_tier": ["The requested tier must differ from the current tier."]})
        today = timezone.localdate()
        opened = timezone.localdate(determination.effective_from)
        if not clocks.within_window(opened, today, settings.CONTEST_WINDOW_DAYS):
            closed = clocks.window_closes(opened, settings.CONTEST_WINDOW_DAYS)
            raise Conflict(f"The contest window closed on {closed.isoformat()}.")
        if Contest.objects.filter(determination=determination, state__in=OPEN_CONTEST_STATES).exists():
            raise Conflict("This determination already has an open contest.")
        contest = Contest.objects.create(
            reference=next_reference("CT", today.year),
            model=model,
            determination=determination,
            applicant_id=model.developer_id,
            filed_by=by,
            grounds=grounds.strip(),
            requested_tier=requested_tier,
            filed_at=timezone.now(),
            due_date=clocks.contest_due(today),
        )
        stored = attach_files(files, by=by, contest=contest)
        changes = created(contest, CONTEST_FIELDS)
        if stored:
            changes["files"] = [None, [f.sha256 for f in stored]]
        record(actor=by, action="contest.filed", obj=contest, changes=changes, organization_id=model.developer_id)
        notify(
            recipients=[*users_with_role(REGULATOR, BOARD), *members_of(model.developer_id)],
            event="contest_filed",
            subject=f"{contest.reference}: contest filed against {model}'s Tier {determination.tier}",
            body=f"Requested tier: {requested_tier}. Decision due {contest.due_date.isoformat()}.",
            obj=contest,
            link=_link(contest),
        )
    return contest


def assign_adjudicator(*, contest: Contest, by: Any, adjudicator: Any) -> Contest:
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator assigns adjudicators.")
    with transaction.atomic():
        contest = _lock(contest)
        developer_id = contest.model.developer_id
        if not eligible_adjudicator(adjudicator, developer_id):
            raise Invalid(
                fields={
                    "adjudicator": ["The adjudicator must be a regulator with no conflict of interest in this case."]
                }
            )
        previous = contest.adjudicator_id
        _move(contest, "assign", by=by, extra={"adjudicator": [previous, adjudicator.pk]})
        contest.adjudicator = adjudicator
        contest.save(update_fields=["state", "adjudicator"])
        name = person(adjudicator)
        notify(
            recipients=[adjudicator, *members_of(developer_id)],
            event="contest_assigned",
            subject=f"{contest.reference}: adjudicator {'reassigned' if previous else 'assigned'}",
            body=f"{name} will decide the contest by {contest.due_date.isoformat()}.",
            obj=contest,
            link=_link(contest),
        )
        if previous and previous != adjudicator.pk:
            tell_replaced(
                previous,
                case=contest,
                noun="contest",
                successor=name,
                awaiting="your decision",
                event="contest_assigned",
                link=_link(contest),
            )
    return contest


def _require_adjudicator(contest: Contest, by: Any) -> None:
    """403 for anyone but the assigned adjudicator. Before one is assigned, any regulator
    may come to be it: what stops them then is the state (409, from the transition table)."""
    if not is_adjudicator(by):
        raise NotAllowed("Only the assigned adjudicator may do this.")
    if contest.adjudicator_id is not None and contest.adjudicator_id != by.pk:
        raise NotAllowed("Only the assigned adjudicator may do this.")


def request_information(*, contest: Contest, by: Any, message: str) -> Contest:
    """The adjudicator asks the applicant for information; the statutory clock stops."""
    if not message or not message.strip():
        raise Invalid(fields={"message": ["Say what information is needed."]})
    with transaction.atomic():
        contest = _lock(contest)
        _require_adjudicator(contest, by)  # who may act first (403), then whether the state allows it (409)
        target_state(CONTEST_TRANSITIONS, "request_information", contest.state, "contest")
        contest.paused_since = timezone.localdate()
        _move(
            contest,
            "request_information",
            by=by,
            extra={"message": [None, message], "paused_since": [None, contest.paused_since]},
        )
        contest.save(update_fields=["state", "paused_since"])
        CaseMessage.objects.create(contest=contest, kind=CaseMessage.Kind.REQUEST, author=by, body=message.strip())
        notify(
            recipients=members_of(contest.model.developer_id),
            event="contest_information_requested",
            subject=f"{contest.reference}: information requested",
            body=message.strip() + "\n\nThe decision clock is paused until you respond.",
            obj=contest,
            link=_link(contest),
        )
    return contest


def provide_information(*, contest: Contest, by: Any, message: str, files: Iterable[UploadedFile] = ()) -> Contest:
    """The applicant answers; the clock resumes and the due date moves by the pause."""
    if not (is_developer(by) and organization_id_of(by) == contest.model.developer_id):
        raise NotAllowed("Only the applicant organisation may provide information.")
    if not message or not message.strip():
        raise Invalid(fields={"message": ["The response needs a message."]})
    with transaction.atomic():
        contest = _lock(contest)
        paused = clocks.pause_length(contest.paused_since or timezone.localdate(), timezone.localdate())
        before = snapshot(contest, ("due_date", "paused_days", "paused_since"))
        contest.paused_days += paused
        contest.due_date = clocks.contest_due(timezone.localdate(contest.filed_at), paused_days=contest.paused_days)
        contest.paused_since = None
        _move(
            contest,
            "provide_information",
            by=by,
            extra=diff(before, snapshot(contest, before)),
        )
        contest.reminders_sent = [r for r in contest.reminders_sent if r != "overdue"]
        contest.save(update_fields=["state", "paused_days", "due_date", "paused_since", "reminders_sent"])
        CaseMessage.objects.create(contest=contest, kind=CaseMessage.Kind.RESPONSE, author=by, body=message.strip())
        attach_files(files, by=by, contest=contest)
        if contest.adjudicator_id:
            notify(
                recipients=[contest.adjudicator],
                event="contest_information_provided",
                subject=f"{contest.reference}: information provided; due {contest.due_date.isoformat()}",
                body=message.strip(),
                obj=contest,
                link=_link(contest),
            )
    return contest


def decide_contest(
    *, contest: Contest, by: Any, outcome: str, tier: int | None = None, reasons: str, determine: Determine
) -> Contest:
    """Uphold the determination or vary it: ``determine`` writes the ``contest_decision``
    determination, in force at once (the tier-change pipeline, ``governance.workflows``)."""
    if outcome not in Contest.Outcome.values:
        raise Invalid(fields={"outcome": ["The outcome is 'upheld' or 'varied'."]})
    if not reasons or not reasons.strip():
        raise Invalid(fields={"reasons": ["Written reasons are required."]})
    with transaction.atomic():
        contest = _lock(contest)
        _require_adjudicator(contest, by)
        target_state(CONTEST_TRANSITIONS, "decide", contest.state, "contest")
        current = contest.model.current_tier
        if outcome == Contest.Outcome.VARIED:
            if tier not in (1, 2, 3, 4):
                raise Invalid(fields={"tier": ["A varied decision names the new tier (1-4)."]})
            if tier == current:
                raise Invalid(fields={"tier": ["A varied decision must change the tier; uphold it instead."]})
        contest.outcome = outcome
        contest.reasons = reasons.strip()
        contest.decided_at = timezone.now()
        contest.decided_tier = tier if outcome == Contest.Outcome.VARIED else current
        if outcome == Contest.Outcome.VARIED:
            contest.resulting_determination = determine(
                model=contest.model,
                tier=cast(int, tier),  # a varied decision's tier is checked above
                kind=Determination.Kind.CONTEST_DECISION,
                rationale=f"{contest.reference}: {contest.reasons}",
                by=by,
            )
        decided = ("outcome", "reasons", "decided_at", "decided_tier", "resulting_determination")
        _move(contest, "decide", by=by, extra=created(contest, decided))
        contest.save(update_fields=["state", *decided])
        notify(
            recipients=members_of(contest.model.developer_id),
            event="contest_decided",
            subject=f"{contest.reference}: {contest.get_outcome_display().lower()} (Tier {contest.decided_tier})",
            body=f"{contest.reasons}\n\nYou may appeal within {settings.APPEAL_WINDOW_DAYS} days.",
            obj=contest,
            link=_link(contest),
        )
    return contest


def dismiss_contest(*, contest: Contest, by: Any, reasons: str) -> Contest:
    """A regulator without a conflict dismisses an inadmissible contest, with reasons."""
    if not reasons or not reasons.strip():
        raise Invalid(fields={"reasons": ["Say why the contest is inadmissible."]})
    with transaction.atomic():
        contest = _lock(contest)
        if not eligible_adjudicator(by, contest.model.developer_id):
            raise NotAllowed("Only a regulator with no conflict of interest may dismiss this contest.")
        target_state(CONTEST_TRANSITIONS, "dismiss", contest.state, "contest")
        _move(contest, "dismiss", by=by, extra={"reasons": [None, reasons]})
        contest.reasons = reasons.strip()
        contest.decided_at = timezone.now()
        contest.save(update_fields=["state", "reasons", "decided_at"])
        notify(
            recipients=members_of(contest.model.developer_id),
            event="contest_decided",
            subject=f"{contest.reference}: dismissed as inadmissible",
            body=contest.reasons,
            obj=contest,
            link=_link(contest),
        )
    return contest


def withdraw_contest(*, contest: Contest, by: Any) -> Contest:
    if not (is_developer(by) and organization_id_of(by) == contest.model.developer_id):
        raise NotAllowed("Only the applicant organisation may withdraw its contest.")
    with transaction.atomic():
        contest = _lock(contest)
        _move(contest, "withdraw", by=by)
        contest.paused_since = None
        contest.save(update_fields=["state", "paused_since"])
        if contest.adjudicator_id:
            notify(
                recipients=[contest.adjudicator],
                event="contest_withdrawn",
                subject=f"{contest.reference}: withdrawn by the applicant",
                obj=contest,
                link=_link(contest),
            )
    return contest
