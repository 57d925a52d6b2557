"""Re-reviews and staged release (SPEC section 7)."""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from governance.audit.services import PendingEvent, created, created_from, record, record_many
from governance.cases.models import OPEN_REREVIEW_STATES, ReleaseStage, ReReview
from governance.cases.references import reserve_references
from governance.cases.services.common import REREVIEW_TRANSITIONS, Determine, eligible_adjudicator, tell_replaced
from governance.determinations.models import Determination
from governance.notifications.models import Notification
from governance.notifications.services import member_ids_by_organization, notify, send_in_bulk
from governance.platform.bulk_insert import insert_rows_returning_ids
from governance.platform.errors import Conflict, Invalid, NotAllowed
from governance.platform.transitions import target_state
from governance.registry.models import AIModel
from governance.registry.people import person
from governance.registry.roles import is_adjudicator

# A re-review is due this many days after it opens (the SPEC sets no statutory period).
REREVIEW_DAYS = 60
NOT_ELIGIBLE = "The assignee must be a regulator with no conflict of interest with the developer of the model."


def open_rereview(
    *, model: AIModel, trigger: str, actor: Any = None, reason: str = "", opened_on: date | None = None
) -> ReReview | None:
    """Open a re-review unless one for this model and trigger is already open (then None)."""
    opened = open_rereviews([(model, reason)], trigger=trigger, actor=actor, opened_on=opened_on)
    return ReReview.objects.select_related("model").get(pk=opened[0]) if opened else None


def open_rereviews(
    items: Iterable[tuple[AIModel, str]], *, trigger: str, actor: Any = None, opened_on: date | None = None
) -> list[int]:
    """Open a re-review for each ``(model, reason)`` that has none open for ``trigger``, in
    bulk, and return their ids: one query finds those already open, one update reserves the
    references, one insert each writes the re-reviews (as plain rows: bulk revalidation
    after a baseline shift opens thousands at once), their audit events and the
    developers' notifications."""
    if trigger not in ReReview.Trigger.values:
        raise Invalid(fields={"trigger": [f"Unknown trigger {trigger!r}."]})
    items = list(items)
    opened_on = opened_on or timezone.localdate()
    due = opened_on + timedelta(days=REREVIEW_DAYS)
    label = ReReview.Trigger(trigger).label.lower()

    def open_for(model_ids: Iterable[int]) -> QuerySet[ReReview]:
        return ReReview.objects.filter(model_id__any=list(model_ids), trigger=trigger, state__in=OPEN_REREVIEW_STATES)

    with transaction.atomic():
        already = set(open_for(model.pk for model, _ in items).values_list("model_id", flat=True))
        wanted = {model.pk: (model, reason) for model, reason in items if model.pk not in already}
        if not wanted:
            return []
        references = reserve_references("RR", opened_on.year, len(wanted))
        opened = list(zip(references, wanted.values(), strict=True))
        fields = ("reference", "model_id", "trigger", "reason", "due_date")
        try:
            with transaction.atomic():
                ids = insert_rows_returning_ids(
                    ReReview,
                    fields,
                    [(reference, model.pk, trigger, reason, due) for reference, (model, reason) in opened],
                )
        except IntegrityError:
            if open_for(wanted).exists():
                return []  # opened concurrently by another worker: at most one per trigger
            raise
        record_many(
            [
                PendingEvent(
                    action="rereview.opened",
                    object_type=ReReview._meta.label_lower,
                    object_id=str(pk),
                    changes=created_from(
                        {
                            "reference": reference,
                            "model": model.pk,
                            "trigger": trigger,
                            "state": ReReview.State.OPEN.value,
                            "reason": reason,
                            "due_date": due,
                        }
                    ),
                    organization_id=model.developer_id,
                )
                for pk, (reference, (model, reason)) in zip(ids, opened, strict=True)
            ],
            actor=actor,
        )
        members = member_ids_by_organization(model.developer_id for _, (model, _) in opened)
        send_in_bulk(
            [
                Notification(
                    recipient_id=user_id,
                    event="rereview_opened",
                    subject=f"{reference}: {label} re-review of {model}"[:200],
                    body=reason or f"Due {due.isoformat()}.",
                    link=f"/models/{model.pk}/",
                    object_type=ReReview._meta.label_lower,
                    object_id=str(pk),
                )
                for pk, (reference, (model, reason)) in zip(ids, opened, strict=True)
                for user_id in members[model.developer_id]
            ]
        )
    return ids


def _lock(rereview: ReReview) -> ReReview:
    return ReReview.objects.select_for_update(of=("self",)).select_related("model").get(pk=rereview.pk)


def assign_rereview(*, rereview: ReReview, by: Any, assignee: Any) -> ReReview:
    """Name (or change) the regulator who runs a re-review that is not closed.

    The assignee must be a regulator with no conflict of interest with the model's developer
    (the contest adjudicator's rule). The new assignee is told it awaits them, the previous
    one that it no longer does; the state is unchanged."""
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator assigns re-reviews.")
    with transaction.atomic():
        rereview = _lock(rereview)
        target_state(REREVIEW_TRANSITIONS, "assign", rereview.state, "re-review")
        developer_id = rereview.model.developer_id
        if not eligible_adjudicator(assignee, developer_id):
            raise Invalid(fields={"assignee": [NOT_ELIGIBLE]})
        previous = rereview.assignee_id
        if previous == assignee.pk:
            raise Conflict(f"{rereview.reference} is already assigned to {person(assignee)}.")
        rereview.assignee = assignee
        rereview.save(update_fields=["assignee"])
        record(
            actor=by,
            action="rereview.assigned",
            obj=rereview,
            changes={"assignee": [previous, assignee.pk]},
            organization_id=developer_id,
        )
        link = f"/re-reviews/{rereview.pk}/"
        due = f" by {rereview.due_date.isoformat()}" if rereview.due_date else ""
        notify(
            recipients=[assignee],
            event="rereview_assigned",
            subject=f"{rereview.reference}: re-review of {rereview.model} assigned to you",
            body=f"{person(by)} assigned you the {rereview.get_trigger_display().lower()} re-review; it is due{due}.",
            obj=rereview,
            link=link,
        )
        if previous is not None:
            tell_replaced(
                previous,
                case=rereview,
                noun="re-review",
                successor=person(assignee),
                awaiting="you",
                event="rereview_assigned",
                link=link,
            )
    return rereview


def start_rereview(*, rereview: ReReview, by: Any) -> ReReview:
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator runs re-reviews.")
    with transaction.atomic():
        rereview = _lock(rereview)
        before = rereview.state
        rereview.state = target_state(REREVIEW_TRANSITIONS, "start", before, "re-review")
        rereview.assignee = rereview.assignee or by
        rereview.save(update_fields=["state", "assignee"])
        record(
            actor=by,
            action="rereview.started",
            obj=rereview,
            changes={"state": [before, rereview.state], "assignee": [None, rereview.assignee_id]},
            organization_id=rereview.model.developer_id,
        )
    return rereview


def complete_rereview(
    *, rereview: ReReview, by: Any, outcome: str, tier: int | None = None, rationale: str, determine: Determine
) -> ReReview:
    """Close with ``no_change`` or a new determination: ``determine`` writes it, an own-motion
    decision in force (the tier-change pipeline, ``governance.workflows``)."""
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator completes re-reviews.")
    if outcome not in ReReview.Outcome.values:
        raise Invalid(fields={"outcome": ["The outcome is 'no_change' or 'determination'."]})
    if not rationale or not rationale.strip():
        raise Invalid(fields={"rationale": ["A written rationale is required."]})
    with transaction.atomic():
        rereview = _lock(rereview)
        before = rereview.state
        rereview.state = target_state(REREVIEW_TRANSITIONS, "complete", before, "re-review")
        if outcome == ReReview.Outcome.DETERMINATION:
            if tier not in (1, 2, 3, 4):
                raise Invalid(fields={"tier": ["A new determination names the tier (1-4)."]})
            rereview.determination = determine(
                model=rereview.model,
                tier=tier,
                kind=Determination.Kind.OWN_MOTION,
                rationale=f"{rereview.reference} ({rereview.get_trigger_display().lower()} re-review): {rationale}",
                by=by,
            )
        rereview.outcome = outcome
        rereview.rationale = rationale.strip()
        rereview.assignee = rereview.assignee or by
        rereview.completed_at = timezone.now()
        rereview.save(update_fields=["state", "outcome", "rationale", "assignee", "completed_at", "determination"])
        record(
            actor=by,
            action="rereview.completed",
            obj=rereview,
            changes={"state": [before, rereview.state], "outcome": [None, outcome], "tier": [None, tier]},
            organization_id=rereview.model.developer_id,
        )
    return rereview


def add_release_stage(
    *, determination: Determination, by: Any, on: date, proposed_tier: int, conditions: str = ""
) -> ReleaseStage:
    """Schedule a stage of a staged release on a Tier 3 or 4 determination."""
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator sets staged-release schedules.")
    if determination.tier not in (3, 4):
        raise Invalid(fields={"determination": ["Staged release applies to Tier 3 and 4 determinations."]})
    if proposed_tier not in (1, 2, 3, 4) or proposed_tier >= determination.tier:
        raise Invalid(fields={"proposed_tier": ["A stage proposes a less restrictive tier."]})
    if on <= timezone.localdate():
        raise Invalid(fields={"date": ["A stage is scheduled in the future."]})
    with transaction.atomic():
        stage = ReleaseStage.objects.create(
            determination=determination, date=on, proposed_tier=proposed_tier, conditions=conditions
        )
        record(
            actor=by,
            action="release_stage.added",
            obj=stage,
            changes=created(stage, ("determination", "date", "proposed_tier", "conditions")),
            organization_id=determination.model.developer_id,
        )
    return stage


def open_due_rereviews(*, today: date | None = None) -> int:
    """Open periodic re-reviews that have come due and staged-release re-reviews whose date
    has come. Idempotent: at most one open re-review per model and trigger."""
    today = today or timezone.localdate()
    opened = 0
    due_models = AIModel.objects.filter(next_review_due__lte=today).exclude(
        rereviews__trigger=ReReview.Trigger.PERIODIC, rereviews__state__in=OPEN_REREVIEW_STATES
    )
    for model in due_models.iterator():
        if open_rereview(
            model=model,
            trigger=ReReview.Trigger.PERIODIC,
            # due_models are filtered on next_review_due, so it is set.
            reason=f"Periodic review due {cast(date, model.next_review_due).isoformat()} (Tier {model.current_tier}).",
            opened_on=today,
        ):
            opened += 1
    stages = ReleaseStage.objects.filter(
        date__lte=today, rereview__isnull=True, determination__status=Determination.Status.IN_FORCE
    ).select_related("determination__model")
    for stage in stages:
        with transaction.atomic():
            model = stage.determination.model
            rereview = (
                open_rereview(
                    model=model,
                    trigger=ReReview.Trigger.STAGED_RELEASE,
                    reason=f"Staged release: Tier {stage.proposed_tier} proposed from {stage.date.isoformat()}. "
                    f"{stage.conditions}".strip(),
                    opened_on=today,
                )
                or ReReview.objects.filter(
                    model=model, trigger=ReReview.Trigger.STAGED_RELEASE, state__in=OPEN_REREVIEW_STATES
                ).first()
            )
            ReleaseStage.objects.filter(pk=stage.pk).update(rereview=rereview)
            opened += 1
    return opened
