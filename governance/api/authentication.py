"""API tokens (SPEC 16): knox's hashed, expiring tokens, sent as ``Authorization: Token KEY``.

A token made with a ``scope`` authenticates only on views that declare that scope
(``token_scope``); anywhere else it answers 403, so a host's gate token reads no dossier.
"""

import binascii
from functools import cache
from hmac import compare_digest
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from governance.platform.raw_values import moment
from governance.registry.models import ApiToken
from governance.registry.roles import IDENTITY_COLUMNS, identity_joins, remember_identity
from governance.registry.user_rows import user_column_count, user_columns, user_from_row


@cache
def _tokens_sql() -> str:
    quote = connection.ops.quote_name
    return (
        f"SELECT {user_columns()}, t.digest, t.created, t.expiry, t.scope, {IDENTITY_COLUMNS} "
        f"FROM {quote(ApiToken._meta.db_table)} t JOIN {quote(get_user_model()._meta.db_table)} u ON u.id = t.user_id "
        f"{identity_joins()}WHERE t.token_key = %s"
    )


def tokens_with_key(token_key: str) -> list[ApiToken]:
    """The tokens whose key is ``token_key``, each with its user, and the user's roles and
    organisation: one statement where knox's read and the first permission check took two,
    each compiled by the ORM on every request."""
    tokens: dict[str, ApiToken] = {}
    identities: dict[str, list[tuple[Any, Any, Any]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_tokens_sql(), [token_key])
        rows = cursor.fetchall()
    start = user_column_count()
    for row in rows:
        digest, created, expiry, scope, *identity = row[start:]
        if digest not in tokens:
            tokens[digest] = ApiToken(
                digest=digest,
                token_key=token_key,
                user=user_from_row(row),
                created=moment(created),
                expiry=moment(expiry),
                scope=scope,
            )
            identities[digest] = []
        identities[digest].append(tuple(identity))
    for digest, token in tokens.items():
        remember_identity(token.user, identities[digest])
    return list(tokens.values())


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

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        """knox's check of the token sent, reading the candidates with :func:`tokens_with_key`."""
        invalid = AuthenticationFailed(_("Invalid token."))
        try:
            key = token.decode("utf-8")
            digest = hash_token(key)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise invalid from None
        for auth_token in tokens_with_key(key[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if not self._cleanup_token(auth_token) and compare_digest(digest, auth_token.digest):
                return self.validate_user(auth_token)
        raise invalid

    def _cleanup_token(self, auth_token: Any) -> bool:
        """Whether ``auth_token`` has expired. (knox's own also reads and deletes every other
        expired token of the user on each request: a query per call on the gate's hot path.)"""
        return auth_token.expiry is not None and auth_token.expiry < timezone.now()
