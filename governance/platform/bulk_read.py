"""Reading tens of thousands of rows at once, as a revalidation after a baseline shift does."""

from collections.abc import Iterator

from django.db import connection
from django.db.models import QuerySet


def plain_rows(rows: QuerySet) -> Iterator[tuple]:
    """The tuples of a ``values_list()`` query, read on PostgreSQL through an ordinary cursor.

    ``QuerySet.iterator()`` would use a server-side cursor, whose query PostgreSQL never
    runs in parallel, and passes every value through Django's converters. Only for columns
    psycopg already gives as Python wants them (numbers, ``Decimal``, text, dates); other
    databases go through the ORM as usual.
    """
    if connection.vendor != "postgresql":
        yield from rows.iterator(chunk_size=10000)
        return
    with connection.cursor() as cursor:
        cursor.execute(*rows.query.sql_with_params())
        while batch := cursor.fetchmany(10000):
            yield from batch
