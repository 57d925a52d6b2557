"""Redis stopped under load (issue 17 items 17 and 18, SPEC 17 and 20): no request answers
5xx, and every job and e-mail is sent exactly once after Redis is back.

A private Redis on a port of its own (the shared one is never touched) is the broker and the
cache of a real server (gunicorn), worker and scheduler (celery beat, the outbox sweep every
two seconds). Developers register models through the API before, during and after a Redis
outage of ``BROKER_OUTAGE_SECONDS`` (30 by default, as the issue says); each registration
queues a revalidation job, which determines the model and queues its e-mail.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask
from knox.models import get_token_model

from governance.notifications.models import Notification
from governance.platform.jobs import REVALIDATE_MODEL, SEND_NOTIFICATION_EMAILS, SEND_QUEUED_JOBS
from governance.platform.models import QueuedJob
from governance.registry.models import AIModel
from tests.jobs.test_worker_integration import database_url

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
OUTAGE_SECONDS = float(os.environ.get("BROKER_OUTAGE_SECONDS", "30"))
PACE = 0.5  # seconds between two registrations
DEADLINE = 120  # seconds for everything to be sent once Redis is back


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, persisting every write so a restart keeps the queue."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [shutil.which("redis-server") or "redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
        persist = ["--save", "", "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self.folder)]
        self.process = subprocess.Popen([*command, *persist], stdout=subprocess.DEVNULL)
        wait_for(lambda: self.ping(), "the private Redis did not start")

    def stop(self) -> None:
        assert self.process is not None
        self.process.terminate()  # SIGTERM: Redis flushes its append-only file and exits
        self.process.wait(timeout=30)

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def wait_for(condition, message: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


def post(url: str, token: str, body: dict) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def stack(tmp_path, world):
    """The private Redis, then a server, a worker and the scheduler pointed at it."""
    redis = PrivateRedis(tmp_path)
    redis.start()
    mail = tmp_path / "mail"
    mail.mkdir()
    every_two_seconds, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.all().delete()
    PeriodicTask.objects.create(name="Send queued jobs", task=SEND_QUEUED_JOBS, interval=every_two_seconds)
    env = {key: value for key, value in os.environ.items() if key not in ("TASKS_EAGER",)}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tests.jobs.outage_settings",
        "TESTING": "1",
        "DATABASE_URL": database_url(),
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "VAR_DIR": str(tmp_path / "var"),
        "OUTAGE_MAIL_DIR": str(mail),
        "PYTHONPATH": str(ROOT),
    }
    port = free_port()
    celery = [sys.executable, "-m", "celery", "-A", "governance"]
    worker_log = tmp_path / "worker.log"
    commands = {
        "server": [sys.executable, "-m", "gunicorn", "governance.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2"],
        "worker": [*celery, "worker", "--pool=solo", "--without-mingle", "--without-gossip", "--loglevel=INFO"],
        "beat": [*celery, "beat", "--loglevel=INFO", "-s", str(tmp_path / "beat-schedule")],
    }
    logs = {name: (tmp_path / f"{name}.log").open("w") for name in commands}
    processes = {
        name: subprocess.Popen(command, cwd=ROOT, env=env, stdout=logs[name], stderr=subprocess.STDOUT)
        for name, command in commands.items()
    }
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(f"{base}/api/v1/register/"), "the server did not start")
        yield base, redis, mail, worker_log
    finally:
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.wait(timeout=30)
        for log in logs.values():
            log.close()
        if redis.process and redis.process.poll() is None:
            redis.stop()


def _answers(url: str) -> bool:
    try:
        return get(url) == 200
    except OSError:
        return False


def test_redis_stopped_under_load_answers_no_5xx_and_loses_no_job_or_mail(world, stack):
    base, redis, mail, worker_log = stack
    token = get_token_model().objects.create(user=world.dev_aurora)[1]
    statuses: list[int] = []
    number = 0

    def register(count: int = 1) -> None:
        nonlocal number
        for _ in range(count):
            number += 1
            body = {"name": f"Outage {number}", "version": "1.0", "developer": world.aurora.pk}
            statuses.append(post(f"{base}/api/v1/models/", token, body))
            statuses.append(get(f"{base}/api/v1/register/"))
            time.sleep(PACE)

    register(4)
    redis.stop()
    register(max(2, int(OUTAGE_SECONDS / PACE)))  # each request ~PACE apart while Redis is down
    assert QueuedJob.objects.filter(sent_at__isnull=True).exists(), "the outage left nothing to sweep"
    redis.start()
    register(4)

    assert [s for s in statuses if s >= 500] == []
    assert Counter(statuses) == {201: number, 200: number}
    models = AIModel.objects.filter(name__startswith="Outage ")
    assert models.count() == number

    def all_done() -> bool:
        return (
            not QueuedJob.objects.filter(sent_at__isnull=True).exists()
            and models.filter(current_tier__isnull=False).count() == number
            and Notification.objects.filter(email_sent_at__isnull=True).count() == 0
            and Notification.objects.count() >= number
        )

    wait_for(all_done, "not every job and e-mail was sent after the outage", seconds=DEADLINE)
    time.sleep(3)  # a sweep or redelivery that would send twice has had its chance

    jobs = QueuedJob.objects.all()
    assert Counter(job.name for job in jobs) == {REVALIDATE_MODEL: number, SEND_NOTIFICATION_EMAILS: number}
    received = Counter(re.findall(r"Task [\w.]+\[(job-\d+)\] received", worker_log.read_text()))
    assert received == {f"job-{job.pk}": 1 for job in jobs}, "a job reached the worker twice or never"
    subjects = Counter(
        line.removeprefix("Subject: ")
        for path in mail.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("Subject: ")
    )
    notes = Notification.objects.all()
    assert sum(subjects.values()) == notes.count() == number
    assert subjects == Counter(f"[Aperture] {note.subject}" for note in notes)
