"""Threshold sets: drafting, publishing and putting in force (SPEC section 8)."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.audit.services import created, diff, jsonable, record
from governance.baselines.models import BoardVote, Consultation, ConsultationComment, ThresholdEntry, ThresholdSet
from governance.platform.errors import Conflict, IllegalTransition, Invalid, NotAllowed, full_clean_or_invalid
from governance.platform.jobs import REVALIDATE_ALL, enqueue
from governance.registry.models import RiskDomain
from governance.registry.roles import BOARD, has_role, organization_id_of
from governance.tiering import transitions

SET_FIELDS = ("version", "issuing_body", "rationale", "status", "effective_from")
FOUR_PLACES = Decimal("0.0001")
# Tolerance for "now" sent by a client whose clock is slightly behind ours.
PUBLISH_CLOCK_SKEW = timedelta(minutes=5)


def _require_board(user: Any) -> None:
    if not has_role(user, BOARD):
        raise NotAllowed("Only the threshold board drafts and publishes threshold sets.")


def _threshold(value: Any, name: str, errors: list[str]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.append(f"{name} must be a decimal number.")
        return None
    if not number.is_finite() or number < 0 or number > 1:
        errors.append(f"{name} must lie in [0, 1].")
        return None
    if number != number.quantize(FOUR_PLACES):
        errors.append(f"{name} has more than 4 decimal places.")
        return None
    return number.quantize(FOUR_PLACES)


def validate_entries(entries: Iterable[Mapping[str, Any]]) -> list[tuple[RiskDomain, Decimal, Decimal, Decimal | None]]:
    """Check entries against section 3: ``low < high``; catastrophic domains need
    ``critical >= high``; other domains have none; one entry per domain."""
    entries = list(entries)
    if not entries:
        raise Invalid(fields={"entries": ["A threshold set needs at least one entry."]})
    domains = {d.slug: d for d in RiskDomain.objects.all()}
    cleaned, problems, seen = [], [], set()
    for index, entry in enumerate(entries):
        errors: list[str] = []
        slug = entry.get("domain")
        domain = domains.get(slug) if isinstance(slug, str) else None
        if domain is None:
            errors.append(f"Unknown risk domain {slug!r}.")
        elif slug in seen:
            errors.append(f"Domain {slug!r} appears twice.")
        seen.add(slug)
        low = _threshold(entry.get("low"), "low", errors)
        high = _threshold(entry.get("high"), "high", errors)
        critical = _threshold(entry.get("critical"), "critical", errors)
        if low is None and "low" not in " ".join(errors):
            errors.append("low is required.")
        if high is None and "high" not in " ".join(errors):
            errors.append("high is required.")
        if low is not None and high is not None and not low < high:
            errors.append("low must be below high.")
        if domain is not None:
            if domain.catastrophic and critical is None and entry.get("critical") in (None, ""):
                errors.append(f"{domain.slug} is catastrophic: critical is required.")
            if not domain.catastrophic and entry.get("critical") not in (None, ""):
                errors.append(f"{domain.slug} is not catastrophic: it has no critical threshold.")
        if critical is not None and high is not None and critical < high:
            errors.append("critical must be at least high.")
        if errors:
            problems.append(f"entries[{index}]: " + " ".join(errors))
        else:  # no errors: the domain is known, low and high are given
            cleaned.append((cast(RiskDomain, domain), cast(Decimal, low), cast(Decimal, high), critical))
    if problems:
        raise Invalid(fields={"entries": problems})
    return cleaned


def _write_entries(threshold_set: ThresholdSet, entries: Iterable[Mapping[str, Any]]) -> list[dict]:
    cleaned = validate_entries(entries)
    threshold_set.entries.all().delete()
    ThresholdEntry.objects.bulk_create(
        ThresholdEntry(threshold_set=threshold_set, domain=d, low=lo, high=hi, critical=cr) for d, lo, hi, cr in cleaned
    )
    return jsonable([{"domain": d.slug, "low": lo, "high": hi, "critical": cr} for d, lo, hi, cr in cleaned])


def entries_snapshot(threshold_set: ThresholdSet) -> list[dict]:
    return jsonable(
        [
            {"domain": e.domain.slug, "low": e.low, "high": e.high, "critical": e.critical}
            for e in threshold_set.entries.select_related("domain").order_by("domain__slug")
        ]
    )


def create_draft(
    *, by: Any, version: str, entries: Iterable[Mapping[str, Any]], issuing_body: str = "", rationale: str = ""
) -> ThresholdSet:
    _require_board(by)
    with transaction.atomic():
        threshold_set = ThresholdSet(version=version, issuing_body=issuing_body, rationale=rationale, created_by=by)
        full_clean_or_invalid(threshold_set)
        threshold_set.save()
        written = _write_entries(threshold_set, entries)
        changes = created(threshold_set, SET_FIELDS)
        changes["entries"] = [None, written]
        record(actor=by, action="threshold_set.drafted", obj=threshold_set, changes=changes)
    return threshold_set


def update_draft(
    *, by: Any, threshold_set: ThresholdSet, entries: Iterable[Mapping[str, Any]] | None = None, **data: Any
) -> ThresholdSet:
    _require_board(by)
    allowed = {"version", "issuing_body", "rationale"}
    unknown = set(data) - allowed
    if unknown:
        raise Invalid(fields={name: ["This field cannot be changed here."] for name in sorted(unknown)})
    with transaction.atomic():
        locked = ThresholdSet.objects.select_for_update().get(pk=threshold_set.pk)
        if locked.status == ThresholdSet.Status.CONSULTATION:
            raise IllegalTransition("The set is in consultation: close the consultation before editing it.")
        if locked.status != ThresholdSet.Status.DRAFT:
            raise IllegalTransition("Published threshold sets are immutable.")
        if locked.votes.exists():
            raise IllegalTransition("The board has begun voting on this text: it can no longer be edited.")
        before = {name: getattr(locked, name) for name in allowed}
        before["entries"] = entries_snapshot(locked)
        for name, value in data.items():
            setattr(locked, name, value)
        full_clean_or_invalid(locked)
        locked.save()
        after = {name: getattr(locked, name) for name in allowed}
        after["entries"] = _write_entries(locked, entries) if entries is not None else before["entries"]
        changes = diff(jsonable(before), jsonable(after))
        if changes:
            record(actor=by, action="threshold_set.updated", obj=locked, changes=changes)
    return locked


def publish(*, by: Any, threshold_set: ThresholdSet, effective_from: datetime | None = None) -> ThresholdSet:
    """Publish a draft. Effective now (or in the past) → in force at once; later → the
    periodic activation job puts it in force when its time comes."""
    _require_board(by)
    now = timezone.now()
    effective_from = effective_from or now
    if effective_from < now - PUBLISH_CLOCK_SKEW:
        raise Invalid(fields={"effective_from": ["A threshold set cannot take effect in the past."]})
    with transaction.atomic():
        locked = ThresholdSet.objects.select_for_update().get(pk=threshold_set.pk)
        if locked.status != ThresholdSet.Status.DRAFT:
            raise IllegalTransition(
                f"Only a draft can be published; this set is {locked.get_status_display().lower()}."
            )
        if not locked.entries.exists():
            raise Invalid(fields={"entries": ["A threshold set needs at least one entry."]})
        if not (standing := adoption(locked)).adopted:
            raise IllegalTransition(f"The set is not adopted: {standing.reason}")
        locked.status = ThresholdSet.Status.PUBLISHED
        locked.effective_from = max(effective_from, now)
        locked.published_at = now
        locked.published_by = by
        locked.save(update_fields=["status", "effective_from", "published_at", "published_by"])
        record(
            actor=by,
            action="threshold_set.published",
            obj=locked,
            changes={"status": ["draft", "published"], "effective_from": [None, jsonable(locked.effective_from)]},
        )
        if locked.effective_from <= now:
            _put_in_force(locked, actor=by)
    return locked


def _put_in_force(threshold_set: ThresholdSet, *, actor: Any) -> None:
    previous = ThresholdSet.objects.select_for_update().filter(status=ThresholdSet.Status.IN_FORCE).first()
    if previous is not None:
        ThresholdSet.objects.filter(pk=previous.pk).update(status=ThresholdSet.Status.SUPERSEDED)
        record(
            actor=actor, action="threshold_set.superseded", obj=previous, changes={"status": ["in_force", "superseded"]}
        )
    ThresholdSet.objects.filter(pk=threshold_set.pk).update(status=ThresholdSet.Status.IN_FORCE)
    threshold_set.status = ThresholdSet.Status.IN_FORCE
    record(
        actor=actor, action="threshold_set.in_force", obj=threshold_set, changes={"status": ["published", "in_force"]}
    )
    enqueue(REVALIDATE_ALL, threshold_set.pk)


def activate_due_sets(*, now: datetime | None = None) -> ThresholdSet | None:
    """Put in force the latest published set whose time has come (the periodic job).

    Earlier due sets that were overtaken before activation are superseded unactivated.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            ThresholdSet.objects.select_for_update()
            .filter(status=ThresholdSet.Status.PUBLISHED, effective_from__lte=now)
            .order_by("effective_from", "id")
        )
        if not due:
            return None
        latest = due[-1]
        for overtaken in due[:-1]:
            ThresholdSet.objects.filter(pk=overtaken.pk).update(status=ThresholdSet.Status.SUPERSEDED)
            record(
                actor=None,
                action="threshold_set.superseded",
                obj=overtaken,
                changes={"status": ["published", "superseded"]},
            )
        _put_in_force(latest, actor=None)
        return latest


# --- Rule-making: consultation and adoption by vote (SPEC section 22) ---------------------

MIN_BOARD_VOTES = 3


def _require_transition(threshold_set: ThresholdSet, action: str, message: str) -> str:
    target = transitions.leads_to("thresholdset", action, threshold_set.status)
    if target is None:
        raise IllegalTransition(f"{message}; this set is {threshold_set.get_status_display().lower()}.")
    return target


def latest_consultation(threshold_set: ThresholdSet) -> Consultation | None:
    return threshold_set.consultations.order_by("-opens_at", "-id").first()


def open_consultation(
    *, by: Any, threshold_set: ThresholdSet, impact_matrix: dict, closes_at: datetime | None = None
) -> Consultation:
    """Put a draft out for public consultation until ``closes_at`` (by default
    ``CONSULTATION_DEFAULT_DAYS`` from now), with the impact matrix it would cause (counts
    only; ``governance.workflows.rulemaking`` computes it). The draft cannot be edited
    while the consultation is open."""
    _require_board(by)
    now = timezone.now()
    closes_at = closes_at or now + timedelta(days=settings.CONSULTATION_DEFAULT_DAYS)
    if closes_at <= now:
        raise Invalid(fields={"closes_at": ["A consultation closes in the future."]})
    with transaction.atomic():
        locked = ThresholdSet.objects.select_for_update().get(pk=threshold_set.pk)
        target = _require_transition(locked, "open_consultation", "Only a draft can be put out for consultation")
        consultation = Consultation.objects.create(
            threshold_set=locked, opens_at=now, closes_at=closes_at, impact_matrix=impact_matrix, opened_by=by
        )
        ThresholdSet.objects.filter(pk=locked.pk).update(status=target)
        record(
            actor=by,
            action="threshold_set.consultation_opened",
            obj=locked,
            changes={"status": [locked.status, target], "closes_at": [None, jsonable(closes_at)]},
        )
    return consultation


def close_consultation(*, by: Any, threshold_set: ThresholdSet) -> Consultation:
    """End the consultation (the board, or the job when ``closes_at`` has passed): the set
    is a draft again, awaiting the board's response and vote."""
    if by is not None:
        _require_board(by)
    now = timezone.now()
    with transaction.atomic():
        locked = ThresholdSet.objects.select_for_update().get(pk=threshold_set.pk)
        target = _require_transition(locked, "close_consultation", "Only an open consultation can be closed")
        consultation = latest_consultation(locked)
        if consultation is None or consultation.closed_at is not None:
            raise IllegalTransition("The set has no open consultation.")
        consultation.closed_at = now
        consultation.save(update_fields=["closed_at"])
        ThresholdSet.objects.filter(pk=locked.pk).update(status=target)
        record(
            actor=by,
            action="threshold_set.consultation_closed",
            obj=locked,
            changes={"status": [locked.status, target], "closed_at": [None, jsonable(now)]},
        )
    return consultation


def close_due_consultations(*, now: datetime | None = None) -> int:
    """The periodic job: close every consultation whose ``closes_at`` has passed."""
    now = now or timezone.now()
    due = ThresholdSet.objects.filter(
        status=ThresholdSet.Status.CONSULTATION,
        consultations__closed_at__isnull=True,
        consultations__closes_at__lte=now,
    ).distinct()
    closed = 0
    for threshold_set in due:
        try:
            close_consultation(by=None, threshold_set=threshold_set)
        except IllegalTransition:
            continue  # closed by the board meanwhile
        closed += 1
    return closed


def add_comment(*, by: Any, threshold_set: ThresholdSet, body: str) -> ConsultationComment:
    """Any signed-in user comments while the consultation is open; their name and
    organisation are shown with the comment."""
    if by is None or not by.is_authenticated:
        raise NotAllowed("Sign in to comment.")
    body = (body or "").strip()
    if not body:
        raise Invalid(fields={"body": ["Write the comment."]})
    now = timezone.now()
    with transaction.atomic():
        locked = ThresholdSet.objects.select_for_update().get(pk=threshold_set.pk)
        _require_transition(locked, "comment", "Comments are taken only while a consultation is open")
        consultation = latest_consultation(locked)
        if consultation is None or consultation.closes_at <= now:
            raise IllegalTransition("The consultation has closed.")
        comment = ConsultationComment.objects.create(
            consultation=consultation, author=by, organization_id=organization_id_of(by), body=body
        )
        record(
            actor=by,
            action="consultation.commented",
            obj=comment,
            changes=created(comment, ("consultation", "author", "organization", "body")),
        )
    return comment


def respond_to_comments(*, by: Any, threshold_set: ThresholdSet, text: str) -> Consultation:
    """The board's published response to the comments, once the consultation has closed
    (needed before the set can be adopted); given once."""
    _require_board(by)
    text = (text or "").strip()
    if not text:
        raise Invalid(fields={"text": ["Write the response."]})
    with transaction.atomic():
        locked = ThresholdSet.objects.select_for_update().get(pk=threshold_set.pk)
        _require_transition(locked, "respond", "The board responds once the consultation has closed")
        consultation = latest_consultation(locked)
        if consultation is None:
            raise IllegalTransition("No consultation was held on this set.")
        if consultation.response:
            raise Conflict("The board has already responded to this consultation.")
        consultation.response = text
        consultation.responded_at = timezone.now()
        consultation.responded_by = by
        consultation.save(update_fields=["response", "responded_at", "responded_by"])
        record(actor=by, action="threshold_set.consultation_response", obj=locked, changes={"response": [None, text]})
    return consultation


def cast_board_vote(*, by: Any, threshold_set: ThresholdSet, vote: str, reasons: str) -> BoardVote:
    """A threshold-board member votes ``adopt`` or ``reject``, with reasons, once."""
    if not has_role(by, BOARD):
        raise NotAllowed("Only members of the threshold board vote on threshold sets.")
    if vote not in BoardVote.Vote.values:
        raise Invalid(fields={"vote": [f"Vote {' or '.join(BoardVote.Vote.values)}."]})
    reasons = (reasons or "").strip()
    if not reasons:
        raise Invalid(fields={"reasons": ["Give the reasons for the vote."]})
    try:
        with transaction.atomic():
            locked = ThresholdSet.objects.select_for_update().get(pk=threshold_set.pk)
            _require_transition(locked, "vote", "The board votes on a draft whose consultation (if any) has closed")
            if locked.votes.filter(member=by).exists():
                raise Conflict("You have already voted on this threshold set.")
            cast = BoardVote.objects.create(threshold_set=locked, member=by, vote=vote, reasons=reasons)
            record(
                actor=by,
                action="threshold_set.vote_cast",
                obj=locked,
                changes={"vote": [None, vote], "reasons": [None, reasons], "member": [None, by.pk]},
            )
    except IntegrityError as error:  # the same member's two votes at once
        raise Conflict("You have already voted on this threshold set.") from error
    return cast


class Adoption:
    """Where a draft stands on the way to publication: adopted once at least
    ``MIN_BOARD_VOTES`` members have voted, a majority of them ``adopt``, and the response
    to a consultation held on it is published."""

    def __init__(self, threshold_set: ThresholdSet) -> None:
        votes = list(threshold_set.votes.all())
        self.adopt = sum(1 for v in votes if v.vote == BoardVote.Vote.ADOPT)
        self.reject = len(votes) - self.adopt
        consultations = sorted(threshold_set.consultations.all(), key=lambda c: (c.opens_at, c.pk))
        consultation = consultations[-1] if consultations else None
        if len(votes) < MIN_BOARD_VOTES:
            self.reason = f"{len(votes)} of the {MIN_BOARD_VOTES} board votes needed have been cast."
        elif self.adopt * 2 <= len(votes):
            self.reason = f"No majority to adopt ({self.adopt} adopt, {self.reject} reject)."
        elif consultation is not None and not consultation.response:
            self.reason = "The board has not yet published its response to the consultation."
        else:
            self.reason = ""
        self.adopted = not self.reason


def adoption(threshold_set: ThresholdSet) -> Adoption:
    return Adoption(threshold_set)


def adopt_by_votes(
    *, threshold_set: ThresholdSet, members: Iterable[Any], reasons: str = "Adopted as drafted."
) -> ThresholdSet:
    """Cast an ``adopt`` vote for each of ``members`` (board members) who has not voted
    yet: how commands, demo data and test fixtures take a draft through the vote."""
    for member in members:
        if not threshold_set.votes.filter(member=member).exists():
            cast_board_vote(by=member, threshold_set=threshold_set, vote=BoardVote.Vote.ADOPT, reasons=reasons)
    return threshold_set
