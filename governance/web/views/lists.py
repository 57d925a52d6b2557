"""The work lists (SPEC 18): one page per kind of object, filtered by the object's FilterSet.

The FilterSet that filters the API list filters the page and its ``?export=csv``, and the rows
always start from the reader's visible queryset (SPEC 15), so a list never shows another
organisation's non-public rows.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_filters
import django_tables2 as tables
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_tables2 import RequestConfig

from governance.cases.filters import AppealFilter, ContestFilter, ReReviewFilter
from governance.cases.selectors import visible_appeals, visible_contests, visible_rereviews
from governance.compliance.filters import EnforcementFilter, ObligationFilter, SubmissionFilter
from governance.compliance.selectors import visible_enforcement, visible_obligations, visible_submissions
from governance.determinations.filters import DeterminationFilter
from governance.determinations.models import Determination
from governance.evidence.filters import EvaluationFilter
from governance.platform.csv_export import stream_csv
from governance.registry.filters import AIModelFilter
from governance.registry.selectors import visible_evaluations, visible_models
from governance.web import tables as t

PER_PAGE = 25


@dataclass(frozen=True)
class WorkList:
    title: str
    slug: str
    rows: Callable[[Any], QuerySet]
    filterset: type[django_filters.FilterSet]
    table: type[tables.Table]


def _page(request: HttpRequest, spec: WorkList) -> HttpResponse:
    filters = spec.filterset(request.GET, queryset=spec.rows(request.user), request=request)
    valid = filters.is_valid()
    rows = filters.qs if valid else spec.rows(request.user).none()
    if request.GET.get("export") == "csv":
        if not valid:
            return HttpResponse("Invalid filters: " + filters.errors.as_text(), status=400, content_type="text/plain")
        export = spec.table(rows)
        values = iter(export.as_values())
        return stream_csv(next(values), values, filename=f"{spec.slug}.csv")
    table = spec.table(rows)
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    query = request.GET.copy()
    query.pop("page", None)
    query["export"] = "csv"
    context = {"list": spec, "filters": filters, "table": table, "export_query": query.urlencode()}
    return render(request, "web/lists/list.html", context, status=200 if valid else 400)


def _view(spec: WorkList) -> Callable[[HttpRequest], HttpResponse]:
    @login_required
    def view(request: HttpRequest) -> HttpResponse:
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


models = _view(WorkList("Models", "models", _models, AIModelFilter, t.ModelTable))
evaluations = _view(WorkList("Evaluations", "evaluations", _evaluations, EvaluationFilter, t.EvaluationTable))
determinations = _view(
    WorkList("Determinations", "determinations", _determinations, DeterminationFilter, t.DeterminationTable)
)
contests = _view(
    WorkList(
        "Contests",
        "contests",
        lambda user: visible_contests(user).order_by("due_date", "id"),
        ContestFilter,
        t.ContestTable,
    )
)
appeals = _view(
    WorkList(
        "Appeals", "appeals", lambda user: visible_appeals(user).order_by("due_date", "id"), AppealFilter, t.AppealTable
    )
)
rereviews = _view(
    WorkList(
        "Re-reviews",
        "re-reviews",
        lambda user: visible_rereviews(user).order_by("due_date", "id"),
        ReReviewFilter,
        t.ReReviewTable,
    )
)
