#!/usr/bin/env python
"""The same revalidation run on 1 and on 2 Celery worker processes (SPEC section 19, "Scale
beyond one machine"): ``workers_1_s`` and ``workers_2_s``.

A baseline shift is published (its revalidation not run) in a copy of the benchmark
database, which then serves as the template of each measurement: the database is copied
afresh from it, ``N`` worker processes (``celery -A governance worker --pool=solo``, each its
own process, as on ``N`` machines) are started on a queue of their own and have answered a
ping, the run's first task is sent, and the time is taken until the run's record says it
has finished. The workers share the run through the broker (``REDIS_URL``, or
``BENCH_REDIS_URL``), as in production.

Environment: ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/aperture_bench``;
load data of ``models`` models is generated there if it holds none), ``REDIS_URL``.
``python bench/workers.py [MODELS]`` prints the figures and, last, one JSON line.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import DEFAULT_DATABASE_URL, SECRET_KEY, ensure_database  # noqa: E402

REVALIDATE_ALL = "governance.revalidate_all"  # governance.platform.jobs.REVALIDATE_ALL
TIMEOUT_S = 3600


def say(message: str) -> None:
    print(message, flush=True)


def _django_env(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"TASKS_EAGER", "TESTING"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "governance.settings",
            "DATABASE_URL": url,
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY", SECRET_KEY),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
            **extra,
        }
    )
    return env


def _database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def _maintenance(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(scheme="postgresql", path="/postgres")), autocommit=True)


def _copy(url: str, source: str, target: str) -> None:
    from psycopg import sql

    with _maintenance(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(target)))
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(target), sql.Identifier(source)))


def _drop(url: str, name: str) -> None:
    from psycopg import sql

    with _maintenance(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _child(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(Path(__file__)), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench/workers.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout.strip().splitlines()[-1]


def _close_django_connections() -> None:
    """A database is copied only when no one is connected to it: a caller that has Django
    set up (bench/run.py) lets its connections go."""
    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()


def _run_state(url: str, threshold_set_id: int) -> tuple[str, int, int, int, float | None] | None:
    import psycopg

    with psycopg.connect(urlunsplit(urlsplit(url)._replace(scheme="postgresql"))) as conn:
        row = conn.execute(
            "SELECT state, models_total, models_done, changes, EXTRACT(EPOCH FROM finished_at - started_at)"
            " FROM determinations_revalidationrun WHERE threshold_set_id = %s ORDER BY id DESC LIMIT 1",
            [threshold_set_id],
        ).fetchone()
    return None if row is None else (row[0], row[1], row[2], row[3], float(row[4]) if row[4] is not None else None)


def _one_run(url: str, template: str, threshold_set_id: int, workers: int, broker: str) -> dict[str, Any]:
    from celery import Celery

    copy = f"{template}_{workers}"
    _copy(url, template, copy)
    copy_url = _database(url, copy)
    queue = f"aperture-bench-{uuid.uuid4().hex[:8]}"
    env = _django_env(copy_url, REDIS_URL=broker, CELERY_QUEUE=queue, TASKS_EAGER="0")
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "governance",
                "worker",
                "--pool=solo",
                "-Q",
                queue,
                "-n",
                f"bench{index}-{queue}@%h",
                "--without-mingle",
                "--without-gossip",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
        )
        for index in range(workers)
    ]
    client = Celery(broker=broker)
    try:
        deadline = time.monotonic() + 120
        while True:
            replies = client.control.ping(timeout=1.0) or []
            if sum(1 for reply in replies for name in reply if queue in name) >= workers:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the workers did not answer")
        started = time.perf_counter()
        client.send_task(REVALIDATE_ALL, args=[threshold_set_id], queue=queue)
        deadline = time.monotonic() + TIMEOUT_S
        while True:
            state = _run_state(copy_url, threshold_set_id)
            if state is not None and state[0] in ("succeeded", "failed"):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the run did not finish")
            time.sleep(0.1)
        wall = time.perf_counter() - started
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=60)
        client.close()
        _drop(url, copy)
    name, total, done, changes, run_s = state
    if name != "succeeded":
        raise RuntimeError(f"the run on {workers} worker(s) {name}")
    return {"seconds": wall, "run_s": run_s, "models": total, "done": done, "changes": changes}


def measure_workers(models: int) -> dict[str, Any]:
    """The same revalidation run (a baseline shift over ``models`` models) on 1 and on 2
    worker processes: ``workers_1_s`` and ``workers_2_s`` (from the first task sent to the
    run's record saying it succeeded), with what each run decided and wrote."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    broker = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL")
    if not broker:
        raise SystemExit("The worker benchmark needs a broker: set REDIS_URL (or BENCH_REDIS_URL).")
    ensure_database(url)
    _child(_django_env(url), "--load", str(models))
    _close_django_connections()
    template = f"{urlsplit(url).path.lstrip('/')}_workers"
    _copy(url, urlsplit(url).path.lstrip("/"), template)
    try:
        threshold_set_id = int(_child(_django_env(_database(url, template)), "--publish-shift"))
        figures: dict[str, Any] = {}
        for workers in (1, 2):
            run = _one_run(url, template, threshold_set_id, workers, broker)
            say(
                f"workers={workers}: {run['seconds']:.2f} s (the run's own record: {run['run_s']:.2f} s), "
                f"{run['done']}/{run['models']} models, {run['changes']} determinations"
            )
            figures[f"workers_{workers}_s"] = run["seconds"]
            figures[f"workers_{workers}_run"] = run
    finally:
        _drop(url, template)
    return figures


def _load(models: int) -> None:
    """In a child: the benchmark's load data, migrated and generated if missing."""
    import django

    django.setup()
    from django.core.management import call_command

    from governance.demo.management.commands.generate_load_data import load_models

    call_command("migrate", verbosity=0, interactive=False)
    existing = load_models().count()
    if existing != models:
        call_command("generate_load_data", models=models, reset=existing > 0)
    print(load_models().count())


def _publish_shift() -> None:
    """In a child, on the template: publish the benchmark's baseline shift without running
    its revalidation (that is what the workers are timed on); print the set's id."""
    from unittest import mock

    import django

    django.setup()
    from bench.run import step_publish_shift, users

    with mock.patch("bench.run.say"):
        board, _ = users()
        published = step_publish_shift(board)
    print(published.pk)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--load"]:
        _load(int(sys.argv[2]))
    elif sys.argv[1:2] == ["--publish-shift"]:
        _publish_shift()
    else:
        count = int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("BENCH_MODELS", "10000"))
        result = measure_workers(count)
        print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}))
