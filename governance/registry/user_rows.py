"""Users read by hand-written SQL, built as the ORM would have built them.

Every API call and page reads its user in one statement with the user's roles and
organisation (``registry.backends``, ``api.authentication``). Reading those rows through
``Manager.raw()`` cost more than the statement: a raw queryset works out its columns and the
model's field order afresh on every call. Here both are worked out once, and each row is
turned into a user with ``Model.from_db``, the ORM's own constructor for loaded rows, after
the database's converters (SQLite gives timestamps as text).
"""

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Field

Converter = Callable[[Any, Any, Any], Any]


@cache
def _fields() -> tuple[Field, ...]:
    return tuple(get_user_model()._meta.concrete_fields)


@cache
def _attnames() -> list[str]:
    return [field.attname for field in _fields()]


@cache
def user_columns() -> str:
    """The columns of a user aliased ``u``, in the order :func:`user_from_row` reads them."""
    quote = connection.ops.quote_name
    return ", ".join(f"u.{quote(field.column)}" for field in _fields())


@cache
def _converters() -> tuple[tuple[Any, tuple[Converter, ...]], ...]:
    """Each field's column expression and the converters the ORM applies to its value."""
    columns = [field.get_col("u") for field in _fields()]
    return tuple(
        (column, tuple(connection.ops.get_db_converters(column) + column.get_db_converters(connection)))
        for column in columns
    )


def user_from_row(row: Sequence[Any]) -> Any:
    """The user whose columns (:func:`user_columns`) begin ``row``; the rest of the row, from
    :func:`user_column_count` on, is the caller's."""
    values = []
    for value, (column, converters) in zip(row, _converters(), strict=False):
        for convert in converters:
            value = convert(value, column, connection)
        values.append(value)
    return get_user_model().from_db(connection.alias, _attnames(), values)


def user_column_count() -> int:
    """How many of a row's first values are the user's."""
    return len(_fields())
