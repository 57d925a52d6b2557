"""Reading tens of thousands of rows at once, as a revalidation after a baseline shift does."""

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from django.db import connection
from django.db.models import QuerySet

S = TypeVar("S")
T = TypeVar("T")


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


def read_ahead(read: Callable[[S], T], steps: Iterable[S]) -> Iterator[T]:
    """``read(step)`` for each step, in order, each read while the caller works on the one
    before it: on PostgreSQL outside a transaction (which another connection could not see
    into), in a thread of its own with its own connection, so the database's work and the
    fetching overlap the caller's; otherwise here, one after the other."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        for step in steps:
            yield read(step)
        return

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as thread:
        try:
            pending: Future[T] | None = None
            for step in steps:
                upcoming = thread.submit(read, step)
                if pending is not None:
                    yield pending.result()
                pending = upcoming
            if pending is not None:
                yield pending.result()
        finally:
            thread.submit(_close_own_connection).result()


def _close_own_connection() -> None:
    connection.close()  # the calling thread's: ``connection`` is per thread
