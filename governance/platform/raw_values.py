"""Values read by hand-written SQL, as the ORM would have given them."""

from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime


def moment(value: Any) -> datetime | None:
    """A timestamp as an aware datetime: PostgreSQL's driver gives one; SQLite's gives naive
    UTC, or text."""
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value))
    if parsed is None or timezone.is_aware(parsed):
        return parsed
    return timezone.make_aware(parsed, UTC)
