"""Inserting thousands of rows at once, as a revalidation after a baseline shift does.

Django's ``bulk_create`` on PostgreSQL sends each column as one array literal, escaped in
Python value by value, from model instances: 7,000 determinations took 1.4 s, of which the
server needed 0.13 s. These functions take rows of plain values instead and, on
PostgreSQL, stream them through ``COPY``: :func:`insert_rows` for writers that never need
the rows back, :func:`insert_rows_returning_ids` (from :data:`COPY_FROM` rows up) with
primary keys drawn from the table's sequence first.
"""

import json
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import connection, models
from django.utils import timezone

COPY_FROM = 500

M = TypeVar("M", bound=models.Model)


def _copy(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], ids: Sequence[int] | None = None
) -> None:
    """Stream ``rows`` of ``columns`` values into ``model``'s table with ``COPY``: the
    database stores each while Python prepares the next. With ``ids``, each row is stored
    under its id; otherwise the table's sequence assigns them."""
    quote = connection.ops.quote_name
    if ids is not None:
        columns = [model._meta.pk.column, *columns]
        rows = ((pk, *row) for pk, row in zip(ids, rows, strict=True))
    listed = ", ".join(quote(column) for column in columns)
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.copy(f"COPY {quote(model._meta.db_table)} ({listed}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` primary keys drawn from ``model``'s table sequence."""
    meta = model._meta
    with connection.wrap_database_errors, connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [connection.ops.quote_name(meta.db_table), meta.pk.column, count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field.column


def _completed(model: type[models.Model], fields: Sequence[str]) -> tuple[list[str], tuple[Any, ...]]:
    """The columns of ``fields`` followed by those of every other field but the primary
    key, and what those others store, as ``save()`` would: their default (worked out once
    per call), or the time for ``auto_now`` fields."""
    now = timezone.now()
    columns = [_column(model, name) for name in fields]
    rest: list[Any] = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in fields:
            continue
        columns.append(field.column)
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            rest.append(now)
        elif isinstance(field, models.JSONField):
            rest.append(json.dumps(field.get_default(), cls=field.encoder))
        else:
            rest.append(field.get_default())  # None when nullable, "" for a blank text field
    return columns, tuple(rest)


def _as_instances(model: type[M], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[M]:
    json_fields = {name for name in fields if isinstance(model._meta.get_field(name), models.JSONField)}
    return [
        model(
            **{
                name: json.loads(value) if name in json_fields else value
                for name, value in zip(fields, row, strict=True)
            }
        )
        for row in rows
    ]


def insert_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert ``rows``, each the values of ``fields`` (attribute names: ``model_id`` for a
    foreign key), in the caller's transaction. Other fields get their defaults.

    For the hottest bulk writes: no model instance is built on the way to ``COPY``, and on
    PostgreSQL the rows stream as ``rows`` yields them. Values must be ready to store: JSON
    fields as JSON text.
    """
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(_as_instances(model, fields, rows), batch_size=1000)
        return
    columns, rest = _completed(model, fields)
    _copy(model, columns, ((*row, *rest) for row in rows))


def insert_rows_returning_ids(
    model: type[models.Model], fields: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """:func:`insert_rows`, for writers that need the new rows' primary keys (in order)."""
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM:
        created = model._default_manager.bulk_create(_as_instances(model, fields, rows), batch_size=1000)
        return [obj.pk for obj in created]
    columns, rest = _completed(model, fields)
    ids = _next_ids(model, len(rows))
    _copy(model, columns, ((*row, *rest) for row in rows), ids)
    return ids
