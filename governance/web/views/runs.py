"""The progress of a threshold set's revalidation run, polled by its page (SPEC section 19)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from governance.baselines.models import ThresholdSet
from governance.determinations.models import RevalidationRun
from governance.registry.roles import BOARD, REGULATOR, has_role, is_adjudicator
from governance.web.errors import handles_domain_errors
from governance.workflows.revalidation import resume_run


def follows_runs(user) -> bool:
    return has_role(user, REGULATOR, BOARD, "auditor")


def latest_run(threshold_set: ThresholdSet) -> RevalidationRun | None:
    return threshold_set.revalidation_runs.order_by("-queued_at", "-id").first()


def progress_context(request: HttpRequest, threshold_set: ThresholdSet) -> dict:
    return {
        "set": threshold_set,
        "run": latest_run(threshold_set),
        "may_resume": is_adjudicator(request.user),
    }


@login_required
@handles_domain_errors
def revalidation_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar of the set's latest run (the page polls it while the run is open);
    a regulator's POST resumes a failed run."""
    if not follows_runs(request.user):
        raise PermissionDenied("Only regulators, the board and auditors follow revalidation runs.")
    threshold_set = get_object_or_404(ThresholdSet, pk=pk)
    if request.method == "POST":
        run = latest_run(threshold_set)
        if run is None:
            raise PermissionDenied("This set has no revalidation run to resume.")
        resume_run(run=run, by=request.user)
        if not request.headers.get("HX-Request"):
            return redirect("threshold-detail", pk=pk)
    return render(request, "web/revalidation_progress.html", progress_context(request, threshold_set))
