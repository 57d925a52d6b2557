"""Domain errors, raised by services and mapped to HTTP once (API and web alike).

``NotVisible`` → 404, ``NotAllowed`` → 403, ``IllegalTransition`` / ``Conflict`` → 409,
``Invalid`` → 400 (with field messages when given), ``TooLarge`` → 413.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str = "", *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields

    def payload(self) -> dict[str, Any]:
        if self.fields:
            return self.fields
        return {"detail": self.message}


class Invalid(DomainError):
    status_code = 400


class NotAllowed(DomainError):
    status_code = 403


class NotVisible(DomainError):
    status_code = 404


class Conflict(DomainError):
    status_code = 409


class IllegalTransition(Conflict):
    pass


class TooLarge(DomainError):
    status_code = 413


def full_clean_or_invalid(instance: models.Model, exclude: list[str] | None = None) -> None:
    """Run the model's validation, reporting failures as :class:`Invalid` field messages."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise Invalid(fields=error.message_dict) from error
