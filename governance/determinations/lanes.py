"""Writing a revalidation's chunks in lanes side by side, while its sweep goes on."""

import contextvars
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Generic, TypeVar

from django.db import connection

R = TypeVar("R")


class Lanes(Generic[R]):
    """The models a sweep finds to write, gathered into chunks and written by ``write``.

    With ``count`` lanes on PostgreSQL and no enclosing transaction (a lane could not see
    into it), each lane is a thread that writes its chunks in order, each as soon as it is
    full, while the sweep goes on: the writes wait on the database about half the time and
    the sweep not at all, so together they keep both cores busy. A lane takes whole lineage
    trees, so no two lanes write about the same model (a rise re-reviews the model's
    descendants); each new tree goes to the lane with the fewest models so far. Chunks take
    their locks in the same order in every lane (the case counter, then the audit chain as
    their last write), so lanes wait for each other only briefly and never in a cycle.

    Otherwise everything is written in this thread, chunk by chunk, once the sweep is done.
    """

    def __init__(self, write: Callable[[list[int]], R], *, chunk_size: int, count: int) -> None:
        self.write = write
        self.chunk_size = chunk_size
        parallel = count > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block
        self.count = count if parallel else 1
        self.buffers: list[list[int]] = [[] for _ in range(self.count)]
        self.load = [0] * self.count
        self.lane_of: dict[int, int] = {}  # lineage root → lane
        self.threads: list[ThreadPoolExecutor] = []
        self.written: list[Future[R]] = []

    def __enter__(self) -> "Lanes[R]":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        for thread in self.threads:  # on error too: no lane is left running
            thread.shutdown(wait=True, cancel_futures=error is not None)

    def add(self, model_id: int, root_id: int) -> None:
        """Queue ``model_id`` (of the lineage tree rooted at ``root_id``) for writing; call
        for parents before their derivatives."""
        lane = self.lane_of.get(root_id)
        if lane is None:
            lane = self.lane_of[root_id] = self.load.index(min(self.load))
        self.load[lane] += 1
        self.buffers[lane].append(model_id)
        if self.count > 1 and len(self.buffers[lane]) == self.chunk_size:
            self._send(lane)

    def finish(self) -> list[R]:
        """Write what is left and wait for every lane: what each chunk's ``write`` returned."""
        if not self.threads:  # one lane, or nothing filled a chunk: write here, in order
            ids = [pk for buffer in self.buffers for pk in buffer]
            return [self.write(ids[start : start + self.chunk_size]) for start in range(0, len(ids), self.chunk_size)]
        for lane, buffer in enumerate(self.buffers):
            if buffer:
                self._send(lane)
        return [future.result() for future in self.written]

    def _send(self, lane: int) -> None:
        if not self.threads:
            self.threads = [
                ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"revalidation-lane-{index}")
                for index in range(self.count)
            ]
        chunk, self.buffers[lane] = self.buffers[lane], []
        self.written.append(self.threads[lane].submit(contextvars.copy_context().run, self._write_apart, chunk))

    def _write_apart(self, chunk: list[int]) -> R:
        try:
            return self.write(chunk)
        finally:
            connection.close()  # the lane thread's own connection, opened by this chunk
