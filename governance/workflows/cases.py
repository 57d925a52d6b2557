"""Case decisions that change a tier (SPEC sections 5-7): the case is decided in its app,
and the determination it calls for goes through the one tier-change pipeline."""

from typing import Any

from django.db import transaction

from governance.cases.models import Appeal, Contest, ReReview
from governance.cases.services import appeals, contests, rereviews
from governance.registry.services import schedule_next_review
from governance.workflows.tier_changes import issue_decision


def decide_contest(*, contest: Contest, by: Any, outcome: str, tier: int | None = None, reasons: str) -> Contest:
    """Uphold the determination, or vary it with a ``contest_decision`` in force at once."""
    return contests.decide_contest(
        contest=contest, by=by, outcome=outcome, tier=tier, reasons=reasons, determine=issue_decision
    )


def cast_vote(*, appeal: Appeal, by: Any, vote: str, tier: int | None = None, reasons: str) -> Appeal:
    """A panel member's vote; the majority's reversal is an ``appeal_decision`` in force at once."""
    return appeals.cast_vote(appeal=appeal, by=by, vote=vote, tier=tier, reasons=reasons, determine=issue_decision)


def complete_rereview(
    *, rereview: ReReview, by: Any, outcome: str, tier: int | None = None, rationale: str
) -> ReReview:
    """Close a re-review with a new determination, or with ``no_change`` and the next
    periodic review scheduled from today."""
    with transaction.atomic():
        completed = rereviews.complete_rereview(
            rereview=rereview, by=by, outcome=outcome, tier=tier, rationale=rationale, determine=issue_decision
        )
        if completed.outcome == ReReview.Outcome.NO_CHANGE:
            schedule_next_review(model=completed.model, actor=by)
    return completed
