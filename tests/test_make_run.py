"""``make run`` (SPEC 18, issue 17 item 13): the banner comes once the server answers and
names every demo login; Ctrl-C stops the worker, the scheduler and the server, children
included. The Celery commands are stood in for by a process with a child of its own."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FAKE_CELERY = """#!/bin/sh
sleep 300 &
echo "fake celery $* with child $!"
wait
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


@pytest.mark.skipif(not Path("/usr/bin/setsid").exists(), reason="needs util-linux setsid")
def test_make_run_prints_every_login_once_serving_and_ctrl_c_stops_everything(tmp_path):
    celery = tmp_path / "celery"
    celery.write_text(FAKE_CELERY)
    celery.chmod(0o755)
    port = _free_port()
    env = {
        **os.environ,
        "PY": sys.executable,
        "CELERY": str(celery),
        "PORT": str(port),
        "VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    log = tmp_path / "run.log"
    with log.open("w") as out:
        run = subprocess.Popen(
            ["scripts/run.sh"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as under a terminal
        )
    try:
        for _ in range(240):
            if "Ctrl-C stops everything" in log.read_text() or run.poll() is not None:
                break
            time.sleep(0.25)
        text = log.read_text()
        assert "Ctrl-C stops everything" in text, text
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            pass  # the server answers by the time the banner is shown
        banner = text[text.index("Aperture is running") : text.index("Ctrl-C stops")]
        for login in ("regulator4", "dev-cirrus", "evaluator2", '"admin"', "/admin/"):
            assert login in banner, login
        table = [
            line.split() for line in subprocess.check_output(["ps", "-eo", "pid=,ppid=,sid="], text=True).splitlines()
        ]
        children = [int(pid) for pid, ppid, _ in table if int(ppid) == run.pid]
        assert len(children) == 3, children  # worker, scheduler, server, each in its own session
        descendants = [int(pid) for pid, _, sid in table if int(sid) in children]
        assert len(descendants) >= 6, descendants  # with the stand-ins' children and the reloader's server
        os.killpg(run.pid, signal.SIGINT)
        run.wait(timeout=30)
        time.sleep(1)
        assert not [pid for pid in descendants if _alive(pid)], "Ctrl-C left processes running"
        assert "Aperture stopped" in log.read_text()
        assert "Segmentation fault" not in log.read_text()
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGTERM)
