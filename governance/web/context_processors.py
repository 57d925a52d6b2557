from typing import Any

from django.http import HttpRequest

from governance.api.caching import state_of
from governance.notifications.services import unread_count
from governance.registry.roles import roles_of


def aperture(request: HttpRequest) -> dict[str, Any]:
    """The unread count and the reader's roles for the header, the audit chain head for the footer."""
    context: dict[str, Any] = {"chain_head": state_of(request)}
    if request.user.is_authenticated:
        context["unread_notifications"] = unread_count(request.user)
        context["nav_roles"] = roles_of(request.user)
    return context
