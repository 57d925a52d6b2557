"""Pages and lists cached until the next change (governance.api.caching.py): a reader never sees
what an earlier change replaced, never another kind of reader's page, and always their own
CSRF token."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.audit.services import chain_head
from governance.evidence import services as evidence
from governance.evidence.models import EvaluationResult
from governance.workflows import tier_changes as determinations

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ANY_TOKEN = re.compile(r'(value="|"X-CSRFToken": ")[A-Za-z0-9]{64}"')  # forms and htmx headers


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def page(client: Client, path: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_dossier_read_again_costs_fewer_queries_and_shows_the_same(world):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    client = signed_in(world.regulator)
    first, cold = page(client, f"/models/{model.pk}/")
    again, warm = page(client, f"/models/{model.pk}/")
    assert warm < cold
    assert ANY_TOKEN.sub("", again) == ANY_TOKEN.sub("", first)
    assert "Tier 3" in again


def test_a_change_shows_at_once_on_a_cached_dossier(world):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    client = signed_in(world.regulator)
    before, _ = page(client, f"/models/{model.pk}/")
    assert "Without basis" not in before

    determinations.determine_own_motion(model=model, tier=4, rationale="Without basis in the evidence.", by=world.board)
    after, _ = page(client, f"/models/{model.pk}/")
    assert "Without basis in the evidence." in after
    assert re.search(r"<p><span[^>]*>\s*Tier 4", after)


def test_a_withdrawn_result_leaves_the_cached_evidence_table(world):
    model = world.register("Aster")
    result = world.evidence(model, "cyber", "0.9000")
    client = signed_in(world.regulator)
    assert "Withdraw" in page(client, f"/models/{model.pk}/")[0]
    evidence.withdraw_evaluation(evaluation=result, by=world.regulator, reason="Contaminated benchmark.")
    assert EvaluationResult.objects.get(pk=result.pk).status == "withdrawn"
    assert "Withdraw this evidence?" not in page(client, f"/models/{model.pk}/")[0]


def test_each_reader_posts_with_their_own_csrf_token(world):
    """The second regulator is served the dossier the first one's request rendered; the
    forms in it still carry the second regulator's token and are accepted."""
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    first = signed_in(world.regulator, enforce_csrf_checks=True)
    second = signed_in(world.regulator2, enforce_csrf_checks=True)
    revalidate_form = re.compile(rf'action="/models/{model.pk}/revalidate/"><input type="hidden" ' + TOKEN.pattern)
    page(first, f"/models/{model.pk}/")
    theirs = revalidate_form.search(page(second, f"/models/{model.pk}/")[0]).group(1)

    refused = second.post(f"/models/{model.pk}/revalidate/", {"csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403
    accepted = second.post(f"/models/{model.pk}/revalidate/", {"csrfmiddlewaretoken": theirs}, follow=True)
    assert accepted.status_code == 200
    assert "Revalidated: the tier stands." in accepted.content.decode()


def test_readers_of_different_kinds_never_share_a_cached_dossier(world):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    path = f"/models/{model.pk}/"
    regulator_page = page(signed_in(world.regulator), path)[0]
    assert "Revalidate now" in regulator_page and "Contest this tier" not in regulator_page

    developer_page = page(signed_in(world.dev_aurora), path)[0]
    assert "Contest this tier" in developer_page and "Revalidate now" not in developer_page
    assert signed_in(world.dev_borealis).get(path).status_code == 404
    assert Client().get(path).status_code == 302  # to sign-in


def test_a_cached_model_list_follows_changes_and_readers(world, api):
    aster = world.register("Aster")
    world.evidence(aster, "bio", "0.6000")
    world.register("Boreas", developer=world.borealis)

    def names(user, query="") -> list[str]:
        response = api(user).get(f"/api/v1/models/{query}")
        assert response.status_code == 200
        return [row["name"] for row in response.json()["results"]]

    assert names(world.regulator, "?tier=3") == ["Aster"]
    assert names(world.regulator, "?tier=3") == ["Aster"]  # from the cache
    assert names(world.dev_borealis, "?tier=3") == []
    assert names(world.dev_borealis) == ["Boreas"]

    determinations.determine_own_motion(model=aster, tier=4, rationale="Escalated on review.", by=world.board)
    assert names(world.regulator, "?tier=3") == []
    assert names(world.regulator, "?tier=4") == ["Aster"]


def test_the_public_register_shows_a_change_at_once(world, api):
    aster = world.register("Aster", released=True)
    world.evidence(aster, "bio", "0.6000")
    public = Client()

    def listed(tier: int) -> bool:
        page = public.get("/register/", {"tier": tier}).content.decode()
        rows = public.get("/register/", {"tier": tier}, HTTP_HX_REQUEST="true").content.decode()
        assert ("Aster" in page) == ("Aster" in rows)
        return "Aster" in rows

    def in_json(tier: int) -> bool:
        body = api().get("/api/v1/register/", {"tier": tier}).json()
        return [row["name"] for row in body["results"]] == ["Aster"]

    assert listed(3) and in_json(3) and not listed(4) and not in_json(4)
    determinations.determine_own_motion(model=aster, tier=4, rationale="Escalated on review.", by=world.board)
    assert listed(4) and in_json(4) and not listed(3) and not in_json(3)
    assert api().get("/api/v1/register/").json()["chain_head"] == chain_head()


def test_register_pages_keep_their_filters_in_the_page_links(world):
    for index in range(51):
        world.register(f"M{index:02d}", released=True)
    page = Client().get("/register/", {"tier": 2, "search": "M"}).content.decode()
    assert "Page 1 of 2" in page
    assert "?page=2&amp;search=M&amp;tier=2&amp;developer=" in page
