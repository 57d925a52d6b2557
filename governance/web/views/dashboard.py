"""Role dashboards at `/`: each role's queue first. Anonymous visitors go to the register."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from governance.access.selectors import visible_requests
from governance.access.services import OPEN_STATES as OPEN_ACCESS_STATES
from governance.baselines.models import BoardVote, ThresholdSet
from governance.baselines.selectors import threshold_set_in_force
from governance.cases.models import OPEN_APPEAL_STATES, OPEN_CONTEST_STATES, OPEN_REREVIEW_STATES
from governance.cases.selectors import open_windows, visible_appeals, visible_contests, visible_rereviews
from governance.compliance.models import ComplianceSubmission, Obligation
from governance.compliance.selectors import visible_enforcement, visible_obligations, visible_submissions
from governance.determinations.models import Determination
from governance.evidence.selectors import visible_evaluations
from governance.registry.roles import (
    AUDITOR,
    BOARD,
    COMPLIANCE,
    DEVELOPER,
    EVALUATOR,
    INSTITUTION_VERIFIER,
    OVERSIGHT_ROLES,
    REGULATOR,
    REQUESTER,
    has_role,
    organization_id_of,
)
from governance.registry.selectors import visible_models

DUE_SOON_DAYS = 30
# Whoever sees access requests (SPEC 21): their own, their models', their institution's, or all.
SEES_ACCESS_REQUESTS = (REQUESTER, DEVELOPER, INSTITUTION_VERIFIER, *OVERSIGHT_ROLES)


def _regulator(user) -> dict:
    contests = visible_contests(user).filter(state__in=OPEN_CONTEST_STATES).select_related("model", "adjudicator")
    return {
        "my_contests": contests.filter(adjudicator=user).order_by("due_date"),
        "unassigned_contests": contests.filter(adjudicator__isnull=True).order_by("due_date"),
        "appeals": visible_appeals(user)
        .filter(state__in=OPEN_APPEAL_STATES)
        .select_related("contest__model")
        .order_by("due_date"),
        "awaiting_my_vote": visible_appeals(user)
        .filter(state__in=OPEN_APPEAL_STATES, panel=user)
        .exclude(votes__member=user)
        .select_related("contest__model")
        .order_by("due_date"),
        "my_rereviews": visible_rereviews(user)
        .filter(state__in=OPEN_REREVIEW_STATES, assignee=user)
        .select_related("model")
        .order_by("due_date"),
        "rereviews": visible_rereviews(user)
        .filter(state__in=OPEN_REREVIEW_STATES)
        .select_related("model")
        .order_by("due_date")[:50],
        "pending_relaxations": Determination.objects.filter(status=Determination.Status.PENDING_CONFIRMATION)
        .select_related("model")
        .order_by("created_at"),
        "submitted_evidence": visible_evaluations(user)
        .filter(status="submitted")
        .select_related("model", "benchmark")
        .order_by("created_at")[:50],
    }


def _developer(user) -> dict:
    org = organization_id_of(user)
    today = timezone.localdate()
    return {
        "models": visible_models(user).filter(developer_id=org).order_by("name", "version"),
        "contests": visible_contests(user).filter(state__in=OPEN_CONTEST_STATES).select_related("model"),
        "information_requests": visible_contests(user).filter(state="awaiting_information").select_related("model"),
        "appeals": visible_appeals(user).filter(state__in=OPEN_APPEAL_STATES).select_related("contest__model"),
        "windows": open_windows(user, today=today),
        "obligations_due": visible_obligations(user)
        .exclude(status=Obligation.Status.RETIRED)
        .filter(next_due__lte=today + timedelta(days=DUE_SOON_DAYS))
        .select_related("model")
        .order_by("next_due"),
    }


def _compliance(user) -> dict:
    today = timezone.localdate()
    obligations = visible_obligations(user).exclude(status=Obligation.Status.RETIRED).select_related("model")
    return {
        "due_soon": obligations.filter(
            status=Obligation.Status.ACTIVE, next_due__range=(today, today + timedelta(days=DUE_SOON_DAYS))
        ).order_by("next_due"),
        "overdue": obligations.filter(status=Obligation.Status.OVERDUE).order_by("next_due"),
        "review_queue": visible_submissions(user)
        .filter(state=ComplianceSubmission.State.SUBMITTED)
        .select_related("obligation__model")
        .order_by("submitted_at"),
        "enforcement": visible_enforcement(user).filter(state="open").select_related("model").order_by("-opened_at"),
    }


def _board(user) -> dict:
    return {
        "in_force": threshold_set_in_force(),
        "drafts": ThresholdSet.objects.filter(status=ThresholdSet.Status.DRAFT)
        .annotate(
            vote_count=Count("votes", distinct=True),
            voted=Exists(BoardVote.objects.filter(threshold_set=OuterRef("pk"), member_id=user.pk)),
        )
        .order_by("-created_at"),
        "in_consultation": ThresholdSet.objects.filter(status=ThresholdSet.Status.CONSULTATION).order_by("-created_at"),
        "scheduled": ThresholdSet.objects.filter(status=ThresholdSet.Status.PUBLISHED).order_by("effective_from"),
    }


def _evaluator(user) -> dict:
    return {
        "results": visible_evaluations(user)
        .filter(submitted_by_org_id=organization_id_of(user) or 0)
        .select_related("model", "benchmark")
        .order_by("-created_at")[:20]
    }


PANELS = {
    REGULATOR: _regulator,
    DEVELOPER: _developer,
    COMPLIANCE: _compliance,
    BOARD: _board,
    EVALUATOR: _evaluator,
}


def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return redirect("register")
    context: dict[str, Any] = {"today": timezone.localdate(), "roles": []}
    for role, build in PANELS.items():
        if has_role(user, role):
            context["roles"].append(role)
            context[role] = build(user)
    for role in (AUDITOR, REQUESTER, INSTITUTION_VERIFIER):
        if has_role(user, role):
            context["roles"].append(role)
    if has_role(user, *SEES_ACCESS_REQUESTS):
        context["open_access_requests"] = visible_requests(user).filter(state__in=OPEN_ACCESS_STATES).count()
    return render(request, "web/dashboard.html", context)
