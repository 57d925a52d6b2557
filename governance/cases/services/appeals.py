"""Appeal transitions (SPEC section 6): a panel of three decides by majority; dissent is
kept; a reversal is an ``appeal_decision`` determination in force at once, and final."""

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from governance.audit.services import created, jsonable, record
from governance.cases.models import Appeal, AppealVote, Contest
from governance.cases.references import next_reference
from governance.cases.services.common import (
    APPEAL_TRANSITIONS,
    Determine,
    attach_files,
    eligible_adjudicator,
)
from governance.determinations.models import Determination
from governance.notifications.services import members_of, notify, users_with_role
from governance.platform.errors import Conflict, Invalid, NotAllowed
from governance.platform.transitions import target_state
from governance.registry.people import person
from governance.registry.roles import BOARD, REGULATOR, is_adjudicator, is_developer, organization_id_of
from governance.tiering import clocks

APPEAL_FIELDS = ("reference", "contest", "grounds", "state", "due_date")
PANEL_SIZE = 3


def _lock(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update(of=("self",)).select_related("contest__model").get(pk=appeal.pk)


def _move(appeal: Appeal, action: str, *, by: Any, extra: dict | None = None) -> None:
    before = appeal.state
    appeal.state = target_state(APPEAL_TRANSITIONS, action, before, "appeal")
    record(
        actor=by,
        action=f"appeal.{action}",
        obj=appeal,
        changes={"state": [before, appeal.state], **jsonable(extra or {})}
        if before != appeal.state
        else jsonable(extra or {}),
        organization_id=appeal.contest.model.developer_id,
    )


def _link(appeal: Appeal) -> str:
    return f"/appeals/{appeal.pk}/"


def _parties(appeal: Appeal) -> list[Any]:
    return [*members_of(appeal.contest.model.developer_id), *appeal.panel.all()]


def file_appeal(*, by: Any, contest: Contest, grounds: str, files: Iterable[UploadedFile] = ()) -> Appeal:
    model = contest.model
    if not (is_developer(by) and organization_id_of(by) == contest.applicant_id):
        raise NotAllowed("Only the applicant of the contest may appeal its decision.")
    if not grounds or not grounds.strip():
        raise Invalid(fields={"grounds": ["Grounds are required."]})
    with transaction.atomic():
        contest = Contest.objects.select_for_update(of=("self",)).select_related("model").get(pk=contest.pk)
        if contest.state != Contest.State.DECIDED:
            raise Conflict("Only a decided contest can be appealed.")
        today = timezone.localdate()
        decided_on = timezone.localdate(contest.decided_at)
        if not clocks.within_window(decided_on, today, settings.APPEAL_WINDOW_DAYS):
            closed = clocks.window_closes(decided_on, settings.APPEAL_WINDOW_DAYS)
            raise Conflict(f"The appeal window closed on {closed.isoformat()}.")
        if Appeal.objects.filter(contest=contest).exists():
            raise Conflict("This contest decision has already been appealed.")
        appeal = Appeal.objects.create(
            reference=next_reference("AP", today.year),
            contest=contest,
            filed_by=by,
            grounds=grounds.strip(),
            filed_at=timezone.now(),
            due_date=clocks.appeal_due(today),
        )
        attach_files(files, by=by, appeal=appeal)
        record(
            actor=by,
            action="appeal.filed",
            obj=appeal,
            changes=created(appeal, APPEAL_FIELDS),
            organization_id=model.developer_id,
        )
        notify(
            recipients=[*users_with_role(REGULATOR, BOARD), *members_of(model.developer_id)],
            event="appeal_filed",
            subject=f"{appeal.reference}: appeal filed against {contest.reference}",
            body=f"Decision due {appeal.due_date.isoformat()}.",
            obj=appeal,
            link=_link(appeal),
        )
    return appeal


def assign_panel(*, appeal: Appeal, by: Any, members: Sequence[Any], chair: Any) -> Appeal:
    """Three distinct regulators, none the contest's adjudicator, none conflicted; a chair among them."""
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator assigns appeal panels.")
    with transaction.atomic():
        appeal = _lock(appeal)
        contest = appeal.contest
        developer_id = contest.model.developer_id
        member_ids = [m.pk for m in members]
        problems = []
        if len(member_ids) != PANEL_SIZE or len(set(member_ids)) != PANEL_SIZE:
            problems.append(f"The panel has exactly {PANEL_SIZE} different regulators.")
        for member in members:
            if member.pk == contest.adjudicator_id:
                problems.append(f"{person(member)} adjudicated the contest and cannot sit on its appeal.")
            elif not eligible_adjudicator(member, developer_id):
                problems.append(f"{person(member)} is not a regulator free of conflicts in this case.")
        if problems:
            raise Invalid(fields={"members": problems})
        if chair is None or chair.pk not in member_ids:
            raise Invalid(fields={"chair": ["The chair must be one of the panel members."]})
        _move(appeal, "assign_panel", by=by, extra={"panel": [None, sorted(member_ids)], "chair": [None, chair.pk]})
        appeal.chair = chair
        appeal.save(update_fields=["state", "chair"])
        appeal.panel.set(members)
        notify(
            recipients=_parties(appeal),
            event="appeal_panel",
            subject=f"{appeal.reference}: panel assigned",
            body="Panel: " + ", ".join(person(m) for m in members) + f" (chair {person(chair)}).",
            obj=appeal,
            link=_link(appeal),
        )
    return appeal


def schedule_hearing(*, appeal: Appeal, by: Any, hearing_at: datetime) -> Appeal:
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator schedules hearings.")
    if hearing_at is None or hearing_at <= timezone.now():
        raise Invalid(fields={"hearing_at": ["The hearing must be scheduled in the future."]})
    with transaction.atomic():
        appeal = _lock(appeal)
        if appeal.votes.exists():
            raise Conflict("The panel has begun voting after the hearing; the hearing cannot be rescheduled.")
        previous = appeal.hearing_at
        _move(appeal, "schedule_hearing", by=by, extra={"hearing_at": [previous, hearing_at]})
        appeal.hearing_at = hearing_at
        appeal.save(update_fields=["state", "hearing_at"])
        notify(
            recipients=_parties(appeal),
            event="appeal_hearing",
            subject=f"{appeal.reference}: hearing on {timezone.localtime(hearing_at):%d %b %Y %H:%M}",
            obj=appeal,
            link=_link(appeal),
        )
    return appeal


def _majority(votes: list[AppealVote], *, chair_id: int | None) -> tuple[str, int | None] | None:
    """The decision once a majority agrees: affirm, or reverse to the tier a majority names.

    If two members reverse but name different tiers, the appeal waits for the third vote;
    when all three have voted and no tier has a majority, the chair's reversal tier
    decides, or — if the chair affirmed — the more restrictive of the tiers named.
    """
    affirm = [v for v in votes if v.vote == AppealVote.Vote.AFFIRM]
    reverse = [v for v in votes if v.vote == AppealVote.Vote.REVERSE]
    if len(affirm) * 2 > PANEL_SIZE:
        return Appeal.Outcome.AFFIRMED, None
    tiers = Counter(cast(int, v.tier) for v in reverse)  # a reversal names a tier (reversal_names_a_tier)
    for tier, count in tiers.most_common():
        if count * 2 > PANEL_SIZE:
            return Appeal.Outcome.REVERSED, tier
    if len(reverse) * 2 > PANEL_SIZE and len(votes) == PANEL_SIZE:
        chair_vote = next((v for v in reverse if v.member_id == chair_id), None)
        return Appeal.Outcome.REVERSED, chair_vote.tier if chair_vote else max(tiers)
    return None


def cast_vote(
    *, appeal: Appeal, by: Any, vote: str, tier: int | None = None, reasons: str, determine: Determine
) -> Appeal:
    """A panel member votes; the appeal is decided as soon as a majority agrees."""
    if vote not in AppealVote.Vote.values:
        raise Invalid(fields={"vote": ["The vote is 'affirm' or 'reverse'."]})
    if not reasons or not reasons.strip():
        raise Invalid(fields={"reasons": ["A vote needs reasons."]})
    if vote == AppealVote.Vote.REVERSE and tier not in (1, 2, 3, 4):
        raise Invalid(fields={"tier": ["A reversal names the tier (1-4)."]})
    with transaction.atomic():
        appeal = _lock(appeal)
        if not appeal.panel.filter(pk=by.pk).exists():
            raise NotAllowed("Only members of the panel vote on this appeal.")
        target_state(APPEAL_TRANSITIONS, "vote", appeal.state, "appeal")
        if not clocks.hearing_held(appeal.hearing_at, timezone.now()):
            raise Conflict(
                f"Votes are cast at or after the hearing, which is on "
                f"{timezone.localtime(appeal.hearing_at):%d %b %Y %H:%M}."
            )
        if appeal.votes.filter(member=by).exists():
            raise Conflict("You have already voted on this appeal.")
        cast = AppealVote.objects.create(
            appeal=appeal,
            member=by,
            vote=vote,
            tier=tier if vote == AppealVote.Vote.REVERSE else None,
            reasons=reasons.strip(),
        )
        record(
            actor=by,
            action="appeal.vote",
            obj=appeal,
            changes={"vote": [None, {"member": by.pk, "vote": vote, "tier": cast.tier, "reasons": cast.reasons}]},
            organization_id=appeal.contest.model.developer_id,
        )
        decision = _majority(list(appeal.votes.all()), chair_id=appeal.chair_id)
        if decision is not None:
            _decide(appeal, outcome=decision[0], tier=decision[1], by=by, determine=determine)
    return appeal


def _decide(appeal: Appeal, *, outcome: str, tier: int | None, by: Any, determine: Determine) -> None:
    contest = appeal.contest
    model = contest.model
    before = appeal.state
    appeal.state = Appeal.State.DECIDED
    appeal.outcome = outcome
    appeal.decided_at = timezone.now()
    model.refresh_from_db(fields=["current_tier"])
    if outcome == Appeal.Outcome.REVERSED:
        majority_reasons = "; ".join(
            f"{person(v.member)}: {v.reasons}"
            for v in appeal.votes.select_related("member")
            if v.vote == AppealVote.Vote.REVERSE
        )
        appeal.resulting_determination = determine(
            model=model,
            tier=cast(int, tier),  # _majority names the tier of a reversal
            kind=Determination.Kind.APPEAL_DECISION,
            rationale=f"{appeal.reference} reversed {contest.reference}. {majority_reasons}",
            by=by,
        )
        appeal.decided_tier = tier
    else:
        appeal.decided_tier = model.current_tier
    appeal.save(update_fields=["state", "outcome", "decided_at", "decided_tier", "resulting_determination"])
    record(
        actor=by,
        action="appeal.decided",
        obj=appeal,
        changes={
            "state": [before, appeal.state],
            "outcome": [None, outcome],
            "decided_tier": [None, appeal.decided_tier],
        },
        organization_id=model.developer_id,
    )
    notify(
        recipients=_parties(appeal),
        event="appeal_decided",
        subject=f"{appeal.reference}: {appeal.get_outcome_display().lower()} (Tier {appeal.decided_tier}); final",
        obj=appeal,
        link=_link(appeal),
    )


def withdraw_appeal(*, appeal: Appeal, by: Any) -> Appeal:
    if not (is_developer(by) and organization_id_of(by) == appeal.contest.applicant_id):
        raise NotAllowed("Only the appellant may withdraw the appeal.")
    with transaction.atomic():
        appeal = _lock(appeal)
        _move(appeal, "withdraw", by=by)
        appeal.save(update_fields=["state"])
        notify(
            recipients=list(appeal.panel.all()),
            event="appeal_withdrawn",
            subject=f"{appeal.reference}: withdrawn by the appellant",
            obj=appeal,
            link=_link(appeal),
        )
    return appeal


def panel_candidates(appeal: Appeal):
    """Regulators who may sit on this appeal's panel."""
    contest = appeal.contest
    users = get_user_model().objects.filter(groups__name__in=[REGULATOR, BOARD], is_active=True).distinct()
    return [u for u in users if u.pk != contest.adjudicator_id and eligible_adjudicator(u, contest.model.developer_id)]
