"""Peer registers and divergence (SPEC 23): readings whole or not at all, matching by
digest then name and version, divergence and its re-reviews, jurisdictions."""

import http.server
import json
import threading
import time
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.cases.models import ReReview
from governance.peers.models import Peer, PeerDetermination

pytestmark = pytest.mark.django_db
DIGEST = "ab" * 32


@pytest.fixture
def serve() -> Iterator:
    """``serve(body, delay=0)`` → the URL of a local HTTP server answering ``body``."""
    servers = []

    def start(body: bytes, *, delay: float = 0.0, status: int = 200) -> str:
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/api/v1/register/"

    yield start
    for server in servers:
        server.shutdown()


def register_json(*entries: dict) -> bytes:
    return json.dumps({"count": len(entries), "next": None, "previous": None, "results": list(entries)}).encode()


def entry(name: str, tier: int, *, version: str = "1.0", digest: str = "") -> dict:
    return {"name": name, "version": version, "current_tier": tier, "weights_sha256": digest, "in_force_from": None}


@pytest.fixture
def tier2(world):
    model = world.register("Lumen", weights_sha256=DIGEST, release_jurisdictions=["JP", "DE"])
    world.evidence(model, "bio", "0.3000")
    model.refresh_from_db()
    assert model.current_tier == 2
    return model


def make_peer(api, world, url: str = "", jurisdiction: str = "JP") -> dict:
    response = api(world.regulator).post(
        "/api/v1/peers/", {"name": f"Peer {jurisdiction}", "jurisdiction": jurisdiction, "register_url": url}
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_higher_peer_tier_opens_a_re_review_and_a_lower_one_flags_a_jurisdiction_shift(world, api, tier2, serve):
    higher = make_peer(api, world, serve(register_json(entry("Renamed elsewhere", 4, digest=DIGEST))), "GB")
    read = api(world.regulator).post(f"/api/v1/peers/{higher['id']}/refresh/")
    assert read.status_code == 200 and read.json()["last_error"] == "" and read.json()["last_read_at"]
    assert PeerDetermination.objects.get(peer_id=higher["id"]).model == tier2  # matched by digest
    rereview = ReReview.objects.get(model=tier2, trigger="peer_divergence")
    assert "Peer GB (GB) places it in Tier 4; ours is Tier 2." in rereview.reason
    tier2.refresh_from_db()
    assert tier2.current_tier == 2  # evidence for a human, never an automatic change

    lower = make_peer(api, world, serve(register_json(entry("Lumen", 1))), "JP")
    api(world.regulator).post(f"/api/v1/peers/{lower['id']}/refresh/")
    found = api(world.regulator).get(f"/api/v1/divergences/?model={tier2.pk}").json()
    assert [(d["peer_name"], d["peer_tier"], d["direction"], d["jurisdiction_shift"]) for d in found] == [
        ("Peer GB", 4, "higher", False),
        ("Peer JP", 1, "lower", True),
    ]
    assert ReReview.objects.filter(model=tier2, trigger="peer_divergence").count() == 1
    public = api().get("/api/v1/register/").json()["results"][0]
    assert sorted((p["jurisdiction"], p["tier"]) for p in public["peer_tiers"]) == [("GB", 4), ("JP", 1)]
    assert public["weights_sha256"] == DIGEST


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>not json</html>", "is not JSON"),
        (json.dumps({"models": []}).encode(), "register format"),
        (register_json({"name": "X", "version": "1", "current_tier": 7}), "entry 1: current_tier 7 is not a tier"),
        (register_json(["a list"]), "entry 1: an entry is an object"),
        (b"[" * 5000 + b"]" * 5000, "is not JSON"),
    ],
)
def test_a_bad_register_stores_nothing_and_says_why_on_the_peer(world, api, tier2, serve, body, message):
    peer = make_peer(api, world, serve(register_json(entry("Lumen", 3))))
    api(world.regulator).post(f"/api/v1/peers/{peer['id']}/refresh/")
    assert PeerDetermination.objects.count() == 1
    Peer.objects.filter(pk=peer["id"]).update(register_url=serve(body))
    response = api(world.regulator).post(f"/api/v1/peers/{peer['id']}/refresh/")
    assert response.status_code == 400 and message in response.json()["detail"]
    shown = api(world.regulator).get(f"/api/v1/peers/{peer['id']}/").json()
    assert message in shown["last_error"]
    assert PeerDetermination.objects.get().tier == 3  # the last good reading is kept whole


def test_a_peer_that_times_out_is_reported(world, api, serve, settings):
    settings.PEER_READ_TIMEOUT_SECONDS = 0.3
    peer = make_peer(api, world, serve(register_json(), delay=1.5))
    response = api(world.regulator).post(f"/api/v1/peers/{peer['id']}/refresh/")
    assert response.status_code == 400 and "did not answer within 0.3 s" in response.json()["detail"]
    assert not PeerDetermination.objects.exists()


def test_a_csv_upload_is_read_and_matched_by_name_and_version(world, api, tier2):
    peer = make_peer(api, world)
    csv = "id,name,version,developer,current_tier\n7,Lumen,1.0,Aurora Labs,3\n8,Unknown,2.0,Other,1\n"
    upload = SimpleUploadedFile("register.csv", csv.encode(), content_type="text/csv")
    response = api(world.regulator).post(f"/api/v1/peers/{peer['id']}/import/", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    stored = {(d.name, d.model_id) for d in PeerDetermination.objects.all()}
    assert stored == {("Lumen", tier2.pk), ("Unknown", None)}
    bad = SimpleUploadedFile("register.csv", b"name,tier\nLumen,3\n", content_type="text/csv")
    refused = api(world.regulator).post(f"/api/v1/peers/{peer['id']}/import/", {"file": bad}, format="multipart")
    assert refused.status_code == 400 and "current_tier" in refused.json()["detail"]
    assert PeerDetermination.objects.count() == 2


def test_peers_are_the_regulators_and_jurisdictions_are_iso_codes(world, api, tier2):
    assert api(world.dev_aurora).post("/api/v1/peers/", {"name": "X", "jurisdiction": "JP"}).status_code == 403
    bad = api(world.regulator).post("/api/v1/peers/", {"name": "X", "jurisdiction": "Japan"})
    assert bad.status_code == 400 and "jurisdiction" in bad.json()
    assert api(world.dev_aurora).get("/api/v1/peers/").json()["count"] == 0
    wrong = api(world.dev_aurora).patch(f"/api/v1/models/{tier2.pk}/", {"release_jurisdictions": ["UK"]})
    assert wrong.status_code == 400 and "ISO 3166-1" in str(wrong.json())
    right = api(world.dev_aurora).patch(f"/api/v1/models/{tier2.pk}/", {"release_jurisdictions": ["US", "GB"]})
    assert right.json()["release_jurisdictions"] == ["GB", "US"]


def test_the_peer_and_divergence_pages(world, api, tier2, serve):
    from django.test import Client

    peer = make_peer(api, world, serve(register_json(entry("Lumen", 4))), "GB")
    regulator = Client()
    regulator.force_login(world.regulator)
    assert regulator.post(f"/peers/{peer['id']}/read/").status_code == 302
    page = regulator.get("/peers/").content.decode()
    assert "Peer GB" in page and "1 (1)" in page
    Peer.objects.filter(pk=peer["id"]).update(register_url=serve(b"nope"))
    regulator.post(f"/peers/{peer['id']}/read/")
    assert "is not JSON" in regulator.get("/peers/").content.decode()
    divergences = regulator.get("/divergences/").content.decode()
    assert "Lumen 1.0" in divergences and "peer is stricter" in divergences
    developer = Client()
    developer.force_login(world.dev_aurora)
    assert developer.get("/divergences/").status_code == 403
