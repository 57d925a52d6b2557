"""Two real instances of Aperture on localhost (SPEC 23): a second one, on its own database,
serves its public register over HTTP; this one reads it as a peer. No mocks of our code."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from governance.cases.models import ReReview
from governance.peers.models import PeerDetermination

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def peer_instance(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "TESTING")
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "governance.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'peer.sqlite3'}",
        "VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "1",
        "TASKS_EAGER": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True, timeout=300)
    script = (ROOT / "tests" / "peers" / "peer_instance.py").read_text()
    subprocess.run([*manage, "shell", "-c", script], env=env, cwd=ROOT, check=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/api/v1/register/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the peer instance did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_one_instance_reads_the_others_register_over_http(world, api, peer_instance):
    ours = world.register("Lumen", weights_sha256="ab" * 32, release_jurisdictions=["JP"])
    world.evidence(ours, "bio", "0.6000")
    ours.refresh_from_db()
    assert ours.current_tier == 3
    created = api(world.regulator).post(
        "/api/v1/peers/", {"name": "Japan AI Office", "jurisdiction": "JP", "register_url": peer_instance}
    )
    response = api(world.regulator).post(f"/api/v1/peers/{created.json()['id']}/refresh/")
    assert response.status_code == 200, response.content
    reading = PeerDetermination.objects.get()
    assert (reading.model, reading.tier, reading.name) == (ours, 4, "Lumen")
    found = api(world.regulator).get("/api/v1/divergences/").json()
    assert [(d["our_tier"], d["peer_tier"], d["direction"]) for d in found] == [(3, 4, "higher")]
    assert ReReview.objects.filter(model=ours, trigger="peer_divergence").exists()
