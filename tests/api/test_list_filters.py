"""The FilterSets of models, evaluations and determinations (SPEC 18): search, state, developer,
ordering; each list starts from what the caller may see (SPEC 15)."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def models(world):
    """Aurora's released Aster (tier 3) and Borealis's unreleased Nimbus."""
    aster = world.register("Aster")
    world.evidence(aster, "bio", "0.6000")
    nimbus = world.register("Nimbus", developer=world.borealis, released=False)
    world.evidence(nimbus, "bio", "0.1000")
    return aster, nimbus


def names(body: dict, key: str = "name") -> list[str]:
    return [row[key] for row in body["results"]]


def test_models_search_tier_developer_and_ordering(world, api, models):
    aster, _nimbus = models
    regulator = api(world.regulator)
    assert names(regulator.get("/api/v1/models/?search=nim").json()) == ["Nimbus"]
    assert names(regulator.get("/api/v1/models/?search=borealis").json()) == ["Nimbus"]
    assert names(regulator.get(f"/api/v1/models/?developer={world.aurora.pk}").json()) == ["Aster"]
    assert names(regulator.get("/api/v1/models/?released=false").json()) == ["Nimbus"]
    assert names(regulator.get("/api/v1/models/?ordering=-name").json()) == ["Nimbus", "Aster"]
    assert names(regulator.get(f"/api/v1/models/?tier={aster.current_tier}").json()) == ["Aster"]


def test_another_organisations_unreleased_model_never_appears(world, api, models):
    _aster, _nimbus = models
    for user in (world.dev_aurora, world.evaluator):
        client = api(user)
        for query in ("", "?search=nim", f"?developer={world.borealis.pk}", "?released=false"):
            assert "Nimbus" not in names(client.get(f"/api/v1/models/{query}").json()), (user, query)
        body = client.get(f"/api/v1/determinations/?developer={world.borealis.pk}").json()
        assert body["results"] == [], user
    # The evaluator sees the result it submitted on Nimbus (SPEC 15); Aurora's developer does not.
    body = api(world.dev_aurora).get(f"/api/v1/evaluations/?developer={world.borealis.pk}").json()
    assert body["results"] == []
    assert names(api(world.dev_borealis).get("/api/v1/models/").json()) == ["Nimbus"]


def test_evaluations_by_state_developer_and_search(world, api, models):
    aster, _nimbus = models
    pending = world.evidence(aster, "cyber", "0.2000", accept=False)
    regulator = api(world.regulator)
    body = regulator.get(f"/api/v1/evaluations/?state=submitted&developer={world.aurora.pk}").json()
    assert [row["id"] for row in body["results"]] == [pending.pk]
    body = regulator.get(f"/api/v1/evaluations/?search={world.benchmarks['bio'].name}&ordering=id").json()
    assert len(body["results"]) == 2
    assert regulator.get("/api/v1/evaluations/?state=nonsense").status_code == 400


def test_determinations_by_state_and_developer(world, api, models):
    _aster, nimbus = models
    regulator = api(world.regulator)
    body = regulator.get(f"/api/v1/determinations/?developer={world.borealis.pk}&state=in_force").json()
    assert {row["model"] for row in body["results"]} == {nimbus.pk}
    assert regulator.get("/api/v1/determinations/?state=pending_confirmation").json()["results"] == []
    assert regulator.get("/api/v1/determinations/?developer=0").status_code == 400


def test_an_ordering_of_the_filterset_is_not_undone_by_the_api_default(world, api, models):
    """``?ordering=-model`` is the obligations FilterSet's own name (not an API ``ordering_fields``
    entry); DRF's ordering used to replace it by the default order."""
    aster, _nimbus = models
    zephyr = world.register("Zephyr")
    world.evidence(zephyr, "bio", "0.6000")
    regulator = api(world.regulator)
    for query, first in (("-model", zephyr.pk), ("model", aster.pk)):
        rows = regulator.get(f"/api/v1/obligations/?ordering={query}").json()["results"]
        assert {row["model"] for row in rows} == {aster.pk, zephyr.pk}
        assert rows[0]["model"] == first and rows[-1]["model"] != first, query
