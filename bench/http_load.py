"""HTTP latency under concurrency, with Python threads and ``http.client`` only.

Every request opens its own connection (gunicorn's sync workers close it after each
response anyway) and is timed from connect to the last byte of the body.
"""

import http.client
import math
import os
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LoadResult:
    requests: int
    concurrency: int
    seconds: float
    latencies_ms: list[float] = field(repr=False)
    statuses: Counter

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return math.nan
        return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]

    @property
    def p50_ms(self) -> float:
        return self.percentile(50)

    @property
    def p99_ms(self) -> float:
        return self.percentile(99)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else math.nan

    @property
    def ok(self) -> int:
        return self.statuses.get(200, 0)


def request(port: int, path: str, headers: dict[str, str], timeout: float = 30.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Connection": "close", **headers})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def drive(port: int, path: str, headers: dict[str, str], *, requests: int, concurrency: int = 20) -> LoadResult:
    """``requests`` GETs of ``path`` by ``concurrency`` threads, each one request at a time."""
    lock = threading.Lock()
    remaining = [requests]
    latencies: list[float] = []
    statuses: Counter = Counter()
    barrier = threading.Barrier(concurrency + 1)

    def worker() -> None:
        mine: list[tuple[float, int]] = []
        barrier.wait()
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                status, _ = request(port, path, headers)
            except (OSError, http.client.HTTPException):
                status = 0
            mine.append(((time.perf_counter() - started) * 1000, status))
        with lock:
            for latency, status in mine:
                latencies.append(latency)
                statuses[status] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return LoadResult(requests, concurrency, time.perf_counter() - started, latencies, statuses)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(
    root: Path, app: str, env: dict[str, str], *, workers: int, probe: str, headers: dict[str, str]
) -> Iterator[int]:
    """Start ``gunicorn app`` on a free port; yield the port once ``probe`` answers 200."""
    port = free_port()
    log = open(env["VAR_DIR"] + f"/gunicorn-{port}.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            str(root / ".venv" / "bin" / "gunicorn"),
            app,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--chdir",
            str(root),
            "--log-level",
            "warning",
            "--backlog",
            "256",
        ],
        env=env,
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            try:
                status, _ = request(port, probe, headers, timeout=5)
                if status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        if status != 200:
            log.flush()
            tail = Path(log.name).read_text()[-3000:]
            raise RuntimeError(f"gunicorn {app} did not answer 200 on {probe} (last status {status}):\n{tail}")
        yield port
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


def child_env(base: dict[str, str], **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in base.items() if k not in {"REDIS_URL", "TASKS_EAGER", "TESTING"}}
    env.update(overrides)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (overrides.get("PYTHONPATH"), base.get("PYTHONPATH")) if p)
    return env
