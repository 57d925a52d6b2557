"""Page fragments rendered once per change and served to every reader of the same kind
(cached with :func:`governance.api.caching.cached_read`).

A fragment may hold forms. Their CSRF token belongs to each reader, so a fragment is
rendered with a placeholder that only the server knows, and each response carries the
reader's own token in its place.
"""

from typing import Any

from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe


def _placeholder() -> str:
    return "csrf" + salted_hmac("governance.web.fragments", "csrf placeholder").hexdigest()


def render_fragment(template: str, context: dict[str, Any]) -> str:
    """``template`` rendered for any reader: forms carry the placeholder token."""
    return render_to_string(template, {**context, "csrf_token": _placeholder()})


def with_csrf(request: HttpRequest, fragment: str) -> SafeString:
    """The fragment as ``request``'s reader receives it, with their CSRF token."""
    return mark_safe(fragment.replace(_placeholder(), get_token(request)))
