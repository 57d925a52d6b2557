"""API tokens (SPEC 16): knox's hashed, expiring tokens, sent as ``Authorization: Token KEY``.

A token made with a ``scope`` authenticates only on views that declare that scope
(``token_scope``); anywhere else it answers 403, so a host's gate token reads no dossier.
"""

from typing import Any

from django.utils import timezone
from knox.auth import TokenAuthentication
from rest_framework.exceptions import PermissionDenied


class ScopedTokenAuthentication(TokenAuthentication):
    def authenticate(self, request: Any) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if token.scope:
            view = (getattr(request, "parser_context", None) or {}).get("view")
            if getattr(view, "token_scope", "") != token.scope:
                raise PermissionDenied(f"This token is limited to the scope {token.scope}.")
        return user, token

    def _cleanup_token(self, auth_token: Any) -> bool:
        """Whether ``auth_token`` has expired. (knox's own also reads and deletes every other
        expired token of the user on each request: a query per call on the gate's hot path.)"""
        return auth_token.expiry is not None and auth_token.expiry < timezone.now()
