"""The ``/access-requests/`` work list (SPEC 18 and 21): who sees which requests, the filters
it shares with ``GET /api/v1/access-requests/``, its CSV export and a constant query count."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from governance.access import services, signup
from governance.access.models import AccessRequest
from tests.factories import UserFactory, client_for, csv_rows, queries_for

pytestmark = pytest.mark.django_db


def references_in_csv(client, query: str = "") -> set[str]:
    rows = csv_rows(client.get(f"/access-requests/?{query}&export=csv"))
    assert rows[0] == ["Reference", "Model", "Requester", "Developer", "Tier", "State", "Filed", "Decided"]
    return {row[0] for row in rows[1:]}


def references_in_api(client, query: str = "") -> set[str]:
    response = client.get(f"/api/v1/access-requests/?{query}")
    assert response.status_code == 200
    return {row["reference"] for row in response.json()["results"]}


@pytest.fixture
def filed(gate):
    """Rosa (affiliated with the verified institute) asks for Aurora's Tier 3 Lumen and
    Borealis's Tier 2 Nimbus; Max (no affiliation) asks for Nimbus."""
    lumen = gate.model(3, "Lumen")
    nimbus = gate.model(2, "Nimbus", developer=gate.world.borealis)
    return {
        "rosa_lumen": services.file_request(
            by=gate.researcher, model=lumen, purpose="Jailbreak study", attestation_version=gate.version(3)
        ),
        "rosa_nimbus": services.file_request(by=gate.researcher, model=nimbus, attestation_version=gate.version(2)),
        "max_nimbus": services.file_request(by=gate.member, model=nimbus, attestation_version=gate.version(2)),
    }


SEES = {
    "researcher": {"rosa_lumen", "rosa_nimbus"},
    "member": {"max_nimbus"},
    "dev_aurora": {"rosa_lumen"},
    "dev_borealis": {"rosa_nimbus", "max_nimbus"},
    "institution": {"rosa_lumen", "rosa_nimbus"},
    "other_verifier": set(),
    "regulator": {"rosa_lumen", "rosa_nimbus", "max_nimbus"},
    "auditor": {"rosa_lumen", "rosa_nimbus", "max_nimbus"},
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_reader_lists_exactly_the_requests_they_may_see(gate, filed, who):
    user = getattr(gate, who, None) or getattr(gate.world, who)
    client = client_for(user)
    expected = {filed[key].reference for key in SEES[who]}
    page = client.get("/access-requests/")
    assert page.status_code == 200
    body = page.content.decode()
    assert {ref for ref in (r.reference for r in filed.values()) if ref in body} == expected
    assert references_in_csv(client) == expected
    assert references_in_api(client) == expected


def test_rows_name_the_requester_the_model_and_its_developer(gate, filed):
    page = client_for(gate.world.dev_borealis).get("/access-requests/").content.decode()
    assert "Rosa Researcher" in page and "Max Public" in page and "Borealis AI" in page
    assert f'href="/models/{filed["max_nimbus"].model_id}/"' in page
    rows = csv_rows(client_for(gate.world.regulator).get(f"/access-requests/?requester={gate.member.pk}&export=csv"))
    today = timezone.localdate().isoformat()
    reference = filed["max_nimbus"].reference
    assert rows[1:] == [[reference, "Nimbus", "Max Public", "Borealis AI", "2", "Submitted", today, "—"]]


def test_filters_the_export_and_the_api_follow(gate, filed):
    services.verify_identity(by=gate.world.dev_borealis, access_request=filed["max_nimbus"])
    regulator = client_for(gate.world.regulator)
    today = timezone.localdate()
    cases = {
        "state=identity_verified": {"max_nimbus"},
        f"model={filed['rosa_lumen'].model_id}": {"rosa_lumen"},
        "tier=2": {"rosa_nimbus", "max_nimbus"},
        f"requester={gate.researcher.pk}": {"rosa_lumen", "rosa_nimbus"},
        f"developer={gate.world.aurora.pk}": {"rosa_lumen"},
        f"developer={gate.world.borealis.pk}&tier=2&state=submitted": {"rosa_nimbus"},
        "search=rosa": {"rosa_lumen", "rosa_nimbus"},
        "search=lumen": {"rosa_lumen"},
        f"filed_after={today}&filed_before={today}": {"rosa_lumen", "rosa_nimbus", "max_nimbus"},
        f"filed_before={today - timedelta(days=1)}": set(),
        f"filed_after={today + timedelta(days=1)}": set(),
        "model=999999": set(),
    }
    for query, keys in cases.items():
        expected = {filed[key].reference for key in keys}
        assert references_in_csv(regulator, query) == expected, query
        assert references_in_api(regulator, query) == expected, query
    page = regulator.get("/access-requests/?state=identity_verified").content.decode()
    assert filed["max_nimbus"].reference in page and filed["rosa_nimbus"].reference not in page
    assert "state=identity_verified" in page.split("Export these rows")[0].rsplit("href=", 1)[-1]


def test_a_developer_filtering_by_another_developer_sees_nothing_of_theirs(gate, filed):
    client = client_for(gate.world.dev_aurora)
    assert references_in_csv(client, f"developer={gate.world.borealis.pk}") == set()
    assert references_in_api(client, f"model={filed['max_nimbus'].model_id}") == set()


def test_every_column_sorts_on_the_page_the_export_and_the_api(gate, filed):
    regulator = client_for(gate.world.regulator)
    page = regulator.get("/access-requests/").content.decode()
    for column in ("reference", "model", "requester", "developer", "tier", "state", "created_at", "decided_at"):
        assert f"ordering={column}" in page, column
        assert regulator.get(f"/access-requests/?ordering=-{column}").status_code == 200, column
    by_requester = csv_rows(regulator.get("/access-requests/?ordering=requester&export=csv"))[1:]
    assert [row[2] for row in by_requester] == ["Max Public", "Rosa Researcher", "Rosa Researcher"]
    api = regulator.get("/api/v1/access-requests/?ordering=-model").json()["results"]
    nimbus, lumen = filed["max_nimbus"].model_id, filed["rosa_lumen"].model_id
    assert [row["model"] for row in api] == [nimbus, nimbus, lumen]


def test_bad_filters_answer_400_and_change_nothing(gate, filed):
    regulator = client_for(gate.world.regulator)
    for query in ("tier=abc", "filed_after=notadate", "developer=-1", "ordering=purpose", "state=granted"):
        assert regulator.get(f"/access-requests/?{query}").status_code == 400, query
        assert regulator.get(f"/access-requests/?{query}&export=csv").status_code == 400, query
        assert regulator.get(f"/api/v1/access-requests/?{query}").status_code == 400, query


def test_anonymous_visitors_are_sent_to_sign_in(gate, filed):
    response = Client().get("/access-requests/?export=csv")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["researcher", "institution", "dev_borealis", "regulator"])
def test_the_list_is_one_click_from_each_dashboard_that_sees_requests(gate, filed, who):
    user = getattr(gate, who, None) or getattr(gate.world, who)
    dashboard = client_for(user).get("/").content.decode()
    assert 'href="/access-requests/"' in dashboard
    assert f"{len(SEES[who])} open request" in dashboard
    assert "no role yet" not in dashboard


def test_the_evaluator_dashboard_does_not_offer_it(gate, filed):
    assert 'id="access-requests-link"' not in client_for(gate.world.evaluator).get("/").content.decode()


def test_the_list_asks_the_same_number_of_queries_for_10_or_50_rows(gate):
    model = gate.model(2, "Nimbus")
    for n in range(55):
        requester = UserFactory(username=f"requester{n}", roles=["requester"])
        signup.update_profile(by=requester, legal_name=f"Person {n}", country="DE", affiliation=gate.institute)
        services.file_request(by=requester, model=model, attestation_version=gate.version(2))
    assert AccessRequest.objects.count() == 55
    for user in (gate.world.regulator, gate.world.dev_aurora, gate.institution):
        client = client_for(user)
        ten = queries_for(client, "/access-requests/?per_page=10")
        assert queries_for(client, "/access-requests/?per_page=50") == ten
        assert queries_for(client, "/api/v1/access-requests/?page_size=10") == queries_for(
            client, "/api/v1/access-requests/?page_size=50"
        )
    assert client_for(gate.world.regulator).get("/access-requests/?per_page=50").content.decode().count("AR-") >= 50
