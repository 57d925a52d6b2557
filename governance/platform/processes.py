"""Cutting a bulk read into parts that run side by side in processes of their own.

A sweep of every model spends its time in Python, which one process runs on one core; the
machine has more. Each part's process is a fork of this one (set up already: starting
Django afresh would take a second), which leaves the connections it inherits alone and
opens its own to the same databases; it hands back its result pickled.
"""

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from django.db import connection, connections

R = TypeVar("R")


def in_processes(work: Callable[[int, int], R], count: int) -> list[R]:
    """``work(index, count)`` for each index below ``count``, in index order: the first here,
    each other one in a process of its own, all side by side. ``work`` must be picklable (a
    module-level function, or a ``functools.partial`` of one).

    Only on PostgreSQL outside a transaction (another connection could not see into it)
    and where this process may have children (not in a daemonic one, such as a worker of a
    process pool); otherwise ``work(0, 1)`` alone, here."""
    if count <= 1 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return [work(0, 1)]
    if multiprocessing.current_process().daemon:
        return [work(0, 1)]
    with ProcessPoolExecutor(
        max_workers=count - 1, mp_context=multiprocessing.get_context("fork"), initializer=_forked
    ) as pool:
        apart = [pool.submit(work, index, count) for index in range(1, count)]
        here = work(0, count)
        return [here, *[future.result() for future in apart]]


_inherited: list[Any] = []


def _forked() -> None:
    """In a part's process: connect afresh. The connections inherited from the parent are
    kept, untouched, until the process ends (it ends without running finalizers): closing
    one, or letting it be freed, would end the parent's session on the same socket."""
    for alias in connections:
        wrapper = connections[alias]
        if wrapper.connection is not None:
            _inherited.append(wrapper.connection)
            wrapper.connection = None
