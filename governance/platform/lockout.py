"""What a locked-out sign-in gets (django-axes): the API's JSON error, or the sign-in page."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

MESSAGE = (
    "Too many failed sign-in attempts: this account is locked for an hour. "
    "Try again later, or ask an administrator to unlock it."
)


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MESSAGE}, status=429)
    return render(request, "registration/login.html", {"locked_out": MESSAGE}, status=429)
