"""Signing in with a password and a session (SPEC section 1)."""

from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from governance.registry.roles import IDENTITY_COLUMNS, identity_joins, remember_identity
from governance.registry.user_rows import user_column_count, user_columns, user_from_row


class IdentifyingModelBackend(ModelBackend):
    """Django's password backend, reading the signed-in user of each request together with
    their roles and organisation in one statement: Django's reads the user alone, and every
    page then asks who they are."""

    def get_user(self, user_id: Any) -> Any:
        with connection.cursor() as cursor:
            cursor.execute(_user_sql(), [user_id])
            rows = cursor.fetchall()
        if not rows:
            return None
        user = user_from_row(rows[0])
        start = user_column_count()
        remember_identity(user, [tuple(row[start:]) for row in rows])
        return user if self.user_can_authenticate(user) else None


@cache
def _user_sql() -> str:
    table = connection.ops.quote_name(get_user_model()._meta.db_table)
    return f"SELECT {user_columns()}, {IDENTITY_COLUMNS} FROM {table} u {identity_joins()}WHERE u.id = %s"
