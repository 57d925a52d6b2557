from typing import Any

from django.http import HttpRequest

from governance.notifications.services import unread_count
from governance.web.caching import state_of


def aperture(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the header and the audit chain head for the footer."""
    context: dict[str, Any] = {"chain_head": state_of(request)}
    if request.user.is_authenticated:
        context["unread_notifications"] = unread_count(request.user)
    return context
