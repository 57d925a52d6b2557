"""The work lists (SPEC 18): one page per kind of object, filtered by the object's FilterSet.

The FilterSet that filters the API list filters the page and its ``?export=csv``, and the rows
always start from the reader's visible queryset (SPEC 15), so a list never shows another
organisation's non-public rows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from governance.access.filters import AccessRequestFilter
from governance.access.selectors import visible_requests
from governance.cases import services as cases
from governance.cases.filters import AppealFilter, ContestFilter, ReReviewFilter
from governance.cases.selectors import visible_appeals, visible_contests, visible_rereviews
from governance.compliance.filters import EnforcementFilter, ObligationFilter, SubmissionFilter
from governance.compliance.selectors import visible_enforcement, visible_obligations, visible_submissions
from governance.determinations.filters import DeterminationFilter
from governance.determinations.models import Determination
from governance.evidence import services as evidence
from governance.evidence.filters import EvaluationFilter
from governance.evidence.models import EvaluationResult
from governance.evidence.selectors import visible_evaluations
from governance.platform.csv_export import stream_csv
from governance.platform.errors import DomainError
from governance.registry.filters import AIModelFilter
from governance.registry.people import person
from governance.registry.roles import BOARD, REGULATOR, has_role, is_adjudicator
from governance.registry.selectors import visible_models
from governance.web import tables as t
from governance.web.errors import describe, form_errors, handles_domain_errors
from governance.web.forms import AssignReReviewForm
from governance.web.views import work

PER_PAGE = 25


@dataclass(frozen=True)
class Bulk:
    """An action on the rows ticked in a list's ``select`` column, for the users ``allowed`` names,
    with the ``form`` of what else it asks (whom to assign them to)."""

    url_name: str
    label: str
    allowed: Callable[[Any], bool]
    form: Callable[[], forms.Form] | None = None


@dataclass(frozen=True)
class WorkList:
    title: str
    slug: str
    rows: Callable[[Any], QuerySet]
    filterset: type[django_filters.FilterSet]
    table: type[tables.Table]
    bulk: Bulk | None = None


def _page(request: HttpRequest, spec: WorkList) -> HttpResponseBase:
    filters = spec.filterset(request.GET, queryset=spec.rows(request.user), request=request)
    valid = filters.is_valid()
    rows = filters.qs if valid else spec.rows(request.user).none()
    if request.GET.get("export") == "csv":
        if not valid:
            return HttpResponse("Invalid filters: " + filters.errors.as_text(), status=400, content_type="text/plain")
        export = spec.table(rows, exclude=("select",))
        values = iter(export.as_values())
        return stream_csv(next(values), values, filename=f"{spec.slug}.csv")
    bulk = spec.bulk if spec.bulk and spec.bulk.allowed(request.user) else None
    table = spec.table(rows, exclude=() if bulk else ("select",))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    query = request.GET.copy()
    query.pop("page", None)
    query["export"] = "csv"
    context = {
        "list": spec,
        "filters": filters,
        "table": table,
        "export_query": query.urlencode(),
        "bulk": bulk,
        "bulk_form": bulk.form() if bulk and bulk.form else None,
    }
    return render(request, "web/lists/list.html", context, status=200 if valid else 400)


def _view(spec: WorkList) -> Callable[[HttpRequest], HttpResponseBase]:
    @login_required
    def view(request: HttpRequest) -> HttpResponseBase:
        return _page(request, spec)

    view.__name__ = spec.slug.replace("-", "_")
    view.__doc__ = f"The {spec.title.lower()} list."
    return view


obligations = _view(WorkList("Obligations", "obligations", visible_obligations, ObligationFilter, t.ObligationTable))
submissions = _view(WorkList("Submissions", "submissions", visible_submissions, SubmissionFilter, t.SubmissionTable))
enforcement = _view(
    WorkList("Enforcement cases", "enforcement", visible_enforcement, EnforcementFilter, t.EnforcementTable)
)


def _models(user: Any) -> QuerySet:
    return visible_models(user).select_related("developer").order_by("name", "version", "id")


def _evaluations(user: Any) -> QuerySet:
    return (
        visible_evaluations(user)
        .select_related("model", "benchmark", "submitted_by_org")
        .order_by("-created_at", "-id")
    )


def _determinations(user: Any) -> QuerySet:
    visible = Determination.objects.filter(model__in=visible_models(user))
    return visible.select_related("model").order_by("-created_at", "-id")


def _access_requests(user: Any) -> QuerySet:
    """Requesters their own, developers their models', verifiers their institution's, oversight all (SPEC 21)."""
    return visible_requests(user).select_related("model__developer").order_by("-created_at", "-id")


models = _view(WorkList("Models", "models", _models, AIModelFilter, t.ModelTable))
access_requests = _view(
    WorkList("Access requests", "access-requests", _access_requests, AccessRequestFilter, t.AccessRequestTable)
)


def _reviews_evidence(user: Any) -> bool:
    return has_role(user, REGULATOR, BOARD)


ACCEPT = Bulk("evaluation-bulk-accept", "Accept the selected results", _reviews_evidence)
evaluations = _view(WorkList("Evaluations", "evaluations", _evaluations, EvaluationFilter, t.EvaluationTable, ACCEPT))


def evaluations_page(request: HttpRequest) -> HttpResponseBase:
    """``/evaluations/`` is the evaluations list (SPEC 18); a submission or import posted
    there is taken by the page it belongs to (``/evaluations/submit/``), as it always was."""
    if request.method == "POST":
        return work.evaluations(request)
    return evaluations(request)


def _ticked(request: HttpRequest) -> list[int]:
    """The ids ticked in the list's ``select`` column (anything not an id is ignored)."""
    return [int(value) for value in request.POST.getlist("select") if value.isdigit() and len(value) < 19]


@require_POST
@login_required
@handles_domain_errors
def accept_evaluations(request: HttpRequest) -> HttpResponse:
    """Accept every ticked result still awaiting review, each through the evidence review service."""
    if not _reviews_evidence(request.user):
        raise PermissionDenied("Only regulators and the threshold board accept evaluation results.")
    ids = _ticked(request)
    if not ids:
        messages.error(request, "Tick at least one result to accept.")
        return redirect("evaluation-list")
    pending = visible_evaluations(request.user).filter(pk__in=ids, status=EvaluationResult.Status.SUBMITTED)
    accepted = [evidence.accept_evaluation(evaluation=result, by=request.user).pk for result in pending.order_by("id")]
    skipped = len(set(ids)) - len(accepted)
    note = f"; {skipped} not awaiting review were left as they were" if skipped else ""
    messages.success(request, f"{len(accepted)} result{pluralize(len(accepted))} accepted{note}.")
    return redirect(reverse("evaluation-list") + "?state=submitted")


determinations = _view(
    WorkList("Determinations", "determinations", _determinations, DeterminationFilter, t.DeterminationTable)
)


def _soonest_due(visible: Callable[[Any], QuerySet]) -> Callable[[Any], QuerySet]:
    """A case list's rows, the soonest due first."""
    return lambda user: visible(user).order_by("due_date", "id")


contests = _view(WorkList("Contests", "contests", _soonest_due(visible_contests), ContestFilter, t.ContestTable))
appeals = _view(WorkList("Appeals", "appeals", _soonest_due(visible_appeals), AppealFilter, t.AppealTable))
# Its own ids: the filters above the table have an ``assignee`` field of their own.
ASSIGN = Bulk(
    "rereview-bulk-assign",
    "Assign the selected re-reviews",
    is_adjudicator,
    partial(AssignReReviewForm, auto_id="bulk_%s"),
)
rereviews = _view(
    WorkList("Re-reviews", "re-reviews", _soonest_due(visible_rereviews), ReReviewFilter, t.ReReviewTable, ASSIGN)
)


@require_POST
@login_required
def assign_rereviews(request: HttpRequest) -> HttpResponse:
    """Assign every ticked re-review to one regulator, each through the one assign service.

    Each row is its own transaction and a refusal is reported by reference: the rows are
    independent cases, so a conflict of interest with one model's developer, or a re-review
    closed meanwhile, leaves the others assigned rather than undoing them."""
    if not is_adjudicator(request.user):
        raise PermissionDenied("Only regulators assign re-reviews.")
    ids = _ticked(request)
    form = AssignReReviewForm(request.POST)
    if not ids or not form.is_valid():
        messages.error(request, "Tick at least one re-review to assign." if not ids else form_errors(form))
        return redirect("re-reviews")
    assignee = form.cleaned_data["assignee"]
    name = person(assignee)
    assigned, refused = [], []
    for rereview in visible_rereviews(request.user).filter(pk__in=ids).order_by("due_date", "id"):
        try:
            cases.assign_rereview(rereview=rereview, by=request.user, assignee=assignee)
        except DomainError as error:
            refused.append(f"{rereview.reference}: {describe(error)}")
        else:
            assigned.append(rereview.reference)
    if assigned:
        messages.success(request, f"{len(assigned)} re-review{pluralize(len(assigned))} assigned to {name}.")
    if refused:
        messages.error(request, f"Not assigned: {'; '.join(refused)}")
    missing = len(set(ids)) - len(assigned) - len(refused)
    if missing:
        messages.error(request, f"{missing} of the ticked re-reviews could not be found.")
    return redirect(reverse("re-reviews") + f"?assignee={assignee.pk}")
