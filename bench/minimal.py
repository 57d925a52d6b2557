"""A minimal Django JSON view: the latency baseline, served by gunicorn exactly like the
product (same settings and middleware) but through this URLconf only."""

from django.http import HttpRequest, JsonResponse
from django.urls import path


def minimal(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/minimal/", minimal)]
