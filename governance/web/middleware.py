"""Bad input the web pages share: a query string with a NUL character (SPEC 20).

PostgreSQL text cannot hold NUL, so a filter such as ``/audit/?object_type=%00`` reached
the database and answered 500. Every page refuses such a query with a clear 400 before any
view runs. The API answers these itself, field by field (its filters and search refuse them).
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

MESSAGE = "The address holds a null character, which no search or filter accepts."


class RefuseNullCharacters:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") and "\x00" in "".join(
            key + "".join(values) for key, values in request.GET.lists()
        ):
            return render(request, "web/bad_request.html", {"message": MESSAGE}, status=400)
        return self.get_response(request)
