"""Signing in with a password and a session (SPEC section 1)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from governance.registry.roles import IDENTITY_COLUMNS, identity_joins, remember_identity


class IdentifyingModelBackend(ModelBackend):
    """Django's password backend, reading the signed-in user of each request together with
    their roles and organisation in one statement: Django's reads the user alone, and every
    page then asks who they are."""

    def get_user(self, user_id: Any) -> Any:
        User = get_user_model()
        table = connection.ops.quote_name(User._meta.db_table)
        rows: list[Any] = list(  # users with the identity's columns of the statement
            User._default_manager.raw(
                f"SELECT u.*, {IDENTITY_COLUMNS} FROM {table} u {identity_joins()}WHERE u.id = %s", [user_id]
            )
        )
        if not rows:
            return None
        user = rows[0]
        remember_identity(user, [(row.identity_role, row.identity_org, row.identity_kind) for row in rows])
        return user if self.user_can_authenticate(user) else None
