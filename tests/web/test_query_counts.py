"""Pages issue a constant number of SQL queries whatever the history length or page size."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_dossier_queries_do_not_grow_with_history(world):
    model = world.register("Aster")
    derivative = world.register("Aster-FT", parent=model, derivation="fine_tune")
    client = Client()
    client.force_login(world.regulator)
    world.evidence(model, "bio", "0.3000")
    before = queries(client, f"/models/{model.pk}/")
    for score in ("0.4000", "0.6000", "0.9000"):  # more evidence, more determinations
        world.evidence(model, "bio", score)
    for slug in ("chem", "cyber"):
        world.evidence(model, slug, "0.1000")
    world.register("Aster-FT2", parent=derivative, derivation="merge")
    assert model.determinations.count() >= 3
    assert queries(client, f"/models/{model.pk}/") == before


def test_register_page_queries_do_not_grow_with_models(world):
    client = Client()
    for index in range(3):
        world.register(f"Model {index}")
    few = queries(client, "/register/")
    for index in range(3, 30):
        world.register(f"Model {index}", developer=world.borealis if index % 2 else world.aurora)
    assert queries(client, "/register/") == few


@pytest.mark.parametrize("who", ["regulator", "dev_aurora", "compliance", "board", "evaluator"])
def test_dashboard_queries_do_not_grow_with_cases(world, who):
    from governance.cases import services as cases

    client = Client()
    client.force_login(getattr(world, who))
    model = world.register("Base")
    world.evidence(model, "bio", "0.6000")
    few = queries(client, "/")
    for index in range(6):
        other = world.register(f"Other {index}")
        world.evidence(other, "bio", "0.6000")
        cases.file_contest(
            by=world.dev_aurora,
            determination=other.determinations.get(status="in_force"),
            grounds="Contaminated.",
            requested_tier=2,
        )
    assert queries(client, "/") == few
