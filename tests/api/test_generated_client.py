"""A Python client generated from ``/api/schema/`` by openapi-python-client works as
generated (SPEC 16, issue 17 item 7): every module imports, and a short flow runs against a
live server: token → models by tier → contest filed with multipart evidence → assigned →
decided. Each request body is declared in exactly one media type, so the client never guesses."""

import hashlib
import importlib
import io
import json
import os
import pkgutil
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from governance.cases.models import CaseFile, Contest
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("generated-client")]

PACKAGE = "aperture_client"
# Atom is XML text: the generator reads text/* as text and knows no application/atom+xml.
CONFIG = "content_type_overrides:\n  application/atom+xml: text/xml\n"
OPTIONS = ["--meta", "none", "--output-path", PACKAGE]


def generator() -> str:
    found = Path(sys.executable).parent / "openapi-python-client"
    return str(found) if found.exists() else shutil.which("openapi-python-client") or "openapi-python-client"


@pytest.fixture(scope="module")
def client_package(live_server, tmp_path_factory, django_db_blocker):
    """The client generated from the live server's schema, importable as ``aperture_client``.
    (The server's request may touch the database before any test of the module has opened it.)"""
    tmp_path = tmp_path_factory.mktemp("generated")
    with (
        django_db_blocker.unblock(),
        urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json", timeout=30) as response,
    ):
        (tmp_path / "schema.json").write_bytes(response.read())
    (tmp_path / "config.yaml").write_text(CONFIG)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    generated = subprocess.run(
        [generator(), "generate", "--path", "schema.json", "--config", "config.yaml", *OPTIONS],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "Warning" not in generated.stdout, generated.stdout
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def test_every_generated_module_imports(client_package):
    failures = {}
    names = [m.name for m in pkgutil.walk_packages(client_package.__path__, f"{PACKAGE}.")]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:
            failures[name] = repr(error)
    assert len(names) > 100 and failures == {}


def test_a_contest_flow_through_the_generated_client(world, live_server, client_package):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    determination = model.determinations.get(status="in_force")
    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")
    ours = client_package

    def call(operation: str, *args, **kwargs):
        return importlib.import_module(f"{PACKAGE}.api.v1.{operation}").sync(*args, **kwargs)

    def signed_in(username: str):
        anonymous = ours.Client(base_url=live_server.url)
        token = call(
            "v1_auth_token_create",
            client=anonymous,
            body=models.TokenRequestRequest(username=username, password=PASSWORD),
        )
        assert isinstance(token, models.Token), token
        return ours.AuthenticatedClient(base_url=live_server.url, token=token.token, prefix="Token")

    developer, regulator, adjudicator = (signed_in(u) for u in ("dev-aurora", "regulator", "regulator2"))
    page = call("v1_models_list", client=developer, tier=3)
    assert [(m.id, m.current_tier) for m in page.results] == [(model.pk, 3)]
    assert call("v1_models_list", client=developer, tier=4).count == 0

    pdf = b"%PDF-1.7 re-run logs"
    evidence = types.File(payload=io.BytesIO(pdf), file_name="rerun.pdf", mime_type="application/pdf")
    filed = call(
        "v1_contests_create",
        client=developer,
        body=models.ContestCreateRequest(
            determination=determination.pk, grounds="The bio run was contaminated.", requested_tier=2, files=[evidence]
        ),
    )
    assert isinstance(filed, models.Contest), filed
    assert filed.state == models.ContestStateEnum.FILED and filed.model == model.pk
    assert CaseFile.objects.get().sha256 == hashlib.sha256(pdf).hexdigest()

    assigned = call(
        "v1_contests_assign_create",
        filed.id,
        client=regulator,
        body=models.AssignRequest(adjudicator=world.regulator2.pk),
    )
    assert isinstance(assigned, models.Contest), assigned
    assert assigned.adjudicator == world.regulator2.pk

    decided = call(
        "v1_contests_decide_create",
        filed.id,
        client=adjudicator,
        body=models.DecideRequest(outcome=models.ContestOutcomeEnum.VARIED, tier=2, reasons="The re-run scores lower."),
    )
    assert isinstance(decided, models.Contest), decided
    assert (decided.state, decided.decided_tier) == (models.ContestStateEnum.DECIDED, 2)
    contest = Contest.objects.get(pk=filed.id)
    assert (contest.state, contest.decided_tier) == ("decided", 2)
    model.refresh_from_db()
    assert model.current_tier == 2

    register = call("v1_register_list", client=ours.Client(live_server.url))
    assert register.count == 1 and register.chain_head
    inbox = call("v1_notifications_list", client=developer)
    assert inbox.unread_count == inbox.count > 0
    assert json.loads(json.dumps(decided.to_dict()))["decided_tier"] == 2
