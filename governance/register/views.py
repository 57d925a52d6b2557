from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from governance.register.filters import RegisterFilter
from governance.register.selectors import register_entries
from governance.registry.models import Organization


def register_page(request: HttpRequest) -> HttpResponse:
    """The public register: filter by tier and developer, search by name; no sign-in."""
    filtered = RegisterFilter(request.GET, queryset=register_entries())
    page = Paginator(filtered.qs, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filter": filtered,
        "developers": Organization.objects.filter(kind="developer").order_by("name"),
        "query": request.GET.urlencode(),
    }
    template = "web/register_rows.html" if request.headers.get("HX-Request") else "web/register.html"
    return render(request, template, context)
