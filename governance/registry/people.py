"""How a person is named on every page, docket, list, notice and export (issue 15)."""

from typing import Any


def person(user: Any) -> str:
    """A person's full name, or their username when they gave none; 'system' for jobs."""
    if user is None:
        return "system"
    return user.get_full_name() or user.get_username()
