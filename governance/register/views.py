from typing import Any, cast

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from governance.api.caching import cached_read
from governance.register.filters import RegisterFilter
from governance.register.selectors import accreditation_history, register_entries
from governance.registry.models import Organization
from governance.registry.selectors import accredited_evaluators
from governance.web.fragments import render_fragment


def register_page(request: HttpRequest) -> HttpResponse:
    """The public register: filter by tier and developer, search by name; no sign-in. The
    rows are rendered once per change for each address (``governance.api.caching``)."""
    filtered = RegisterFilter(request.GET, queryset=register_entries())

    def rows() -> str:
        page = Paginator(filtered.qs, 50).get_page(request.GET.get("page"))
        # The export links sit with the rows, inside the htmx target, so a live search or
        # filter changes them too: the CSV is exactly the rows shown (all pages).
        exported = request.GET.copy()
        exported.pop("page", None)
        context = {"page": page, "request": request, "export_query": exported.urlencode()}
        return render_fragment("web/register_rows.html", context)

    html = mark_safe(cached_read(request, "register", request.get_full_path(), rows))
    if request.headers.get("HX-Request"):
        return HttpResponse(html)
    context = {
        "rows": html,
        "filter": filtered,
        "developers": Organization.objects.filter(kind="developer").order_by("name"),
    }
    return render(request, "web/register.html", context)


def evaluators_page(request: HttpRequest) -> HttpResponse:
    """Public: the evaluators whose results count, each accreditation's scope, validity,
    state and history (SPEC section 22); no sign-in."""
    evaluators = list(accredited_evaluators())
    history = accreditation_history([a.pk for e in evaluators for a in e.accreditations.all()])
    for evaluator in evaluators:
        for accreditation in evaluator.accreditations.all():
            cast(Any, accreditation).history = history.get(accreditation.pk, [])  # for the template
    return render(request, "web/register_evaluators.html", {"evaluators": evaluators})
