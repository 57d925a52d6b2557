"""One mapping from domain errors to HTTP for the API (SPEC section 16)."""

from typing import Any, cast

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from governance.platform.errors import DomainError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(exc.payload(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        # (Cast wider: mypy would check the other arm against the type of ``message_dict``.)
        payload = (
            cast("dict[str, Any]", exc.message_dict)
            if hasattr(exc, "error_dict")
            else {"detail": " ".join(exc.messages)}
        )
        return Response(payload, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ValidationError) and isinstance(exc.detail, list):
        # Raised outside a serializer (a filter refusing a null character, say): not a
        # field's error, so it is reported as ``detail`` like every other 400 without fields.
        return Response({"detail": " ".join(str(m) for m in exc.detail)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, IntegrityError):
        return Response(
            {"detail": "The change conflicts with the current state of the record."}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return Response({"detail": "The request has too many fields or files."}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    return drf_exception_handler(exc, context)
