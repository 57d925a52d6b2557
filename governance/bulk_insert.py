"""Inserting thousands of rows at once, as a revalidation after a baseline shift does.

Django's ``bulk_create`` on PostgreSQL sends each column as one array literal, escaped in
Python value by value: 7,000 determinations took 1.4 s, of which the server needed 0.13 s.
From :data:`COPY_FROM` rows up, :func:`bulk_insert` draws the primary keys from the
table's sequence and streams the rows through ``COPY`` instead, so the objects come back
saved and with their ids, as from ``bulk_create``.
"""

import json
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, TypeVar

from django.db import connection, models

COPY_FROM = 500

M = TypeVar("M", bound=models.Model)

# Fields whose Python value psycopg writes as it is: read straight off the instance.
_AS_IS = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "BooleanField",
        "CharField",
        "SlugField",
        "TextField",
        "DateField",
        "DateTimeField",
        "ForeignKey",
    }
)


def _reader(field: models.Field) -> Callable[[models.Model], Any]:
    """How to read ``field``'s column value off an instance, as an INSERT would store it."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, True)
    if isinstance(field, models.JSONField):
        return lambda obj: json.dumps(getattr(obj, field.attname), cls=field.encoder)
    if field.get_internal_type() in _AS_IS:
        return attrgetter(field.attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), connection)


def bulk_insert(objs: Sequence[M]) -> list[M]:
    """Insert ``objs`` in the caller's transaction: new instances of one concrete model (no
    multi-table inheritance), whose primary keys the database assigns."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    if connection.vendor != "postgresql" or len(objs) < COPY_FROM:
        return model.objects.bulk_create(objs, batch_size=1000)
    meta = model._meta
    quote = connection.ops.quote_name
    fields = meta.concrete_fields
    readers = [_reader(field) for field in fields]
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.wrap_database_errors, connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [quote(meta.db_table), meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        with cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([read(obj) for read in readers])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs
