"""The gate's pages for each of its users (SPEC 21)."""

import pytest
from django.test import Client

from governance.access.models import AccessRequest
from tests.access.conftest import approved

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_researcher_requests_through_the_page_and_sees_it_on_my_access(gate):
    model = gate.model(3, "Lumen-3B")
    public = Client().get("/register/")
    assert f'href="/access/{model.pk}/"'.encode() in public.content
    page = Client().get(f"/access/{model.pk}/")
    assert b"Research-only access" in page.content and b"Sign in" in page.content
    researcher = client_for(gate.researcher)
    form = researcher.get(f"/access/{model.pk}/")
    assert b"I will use these weights only for the research purpose" in form.content
    missing = researcher.post(f"/access/{model.pk}/", {"attestation_version": "1", "accept": "on"})
    assert missing.status_code == 400 and b"research purpose" in missing.content
    filed = researcher.post(
        f"/access/{model.pk}/", {"attestation_version": "1", "accept": "on", "purpose": "Jailbreak study"}
    )
    assert filed.status_code == 302
    mine = researcher.get("/access/").content.decode()
    assert AccessRequest.objects.get().reference in mine and "Submitted" in mine


def test_the_developer_and_the_institution_work_their_queues(gate):
    model = gate.model(3, "Lumen-3B")
    from governance.access import services

    access_request = services.file_request(
        by=gate.researcher, model=model, purpose="Jailbreak study", attestation_version="1"
    )
    developer = client_for(gate.world.dev_aurora)
    queue = developer.get("/access/queue/").content.decode()
    assert access_request.reference in queue and "Verify identity" in queue and "Approve" not in queue
    developer.post(f"/access/requests/{access_request.pk}/verify-identity/")
    institution = client_for(gate.institution)
    waiting = institution.get("/access/institution/").content.decode()
    assert "Rosa Researcher" in waiting and "Jailbreak study" in waiting
    assert client_for(gate.other_verifier).get("/access/institution/").content.decode().count("Rosa Researcher") == 0
    institution.post(f"/access/requests/{access_request.pk}/confirm-affiliation/")
    assert "Approve" in developer.get("/access/queue/").content.decode()
    developer.post(f"/access/requests/{access_request.pk}/approve/")
    access_request.refresh_from_db()
    assert access_request.state == "approved"
    register = developer.get(f"/access/register/?model={model.pk}").content.decode()
    assert "Granted" in register and "Lumen-3B" in register
    assert client_for(gate.world.dev_borealis).get("/access/queue/").content.decode().count("Lumen-3B") == 0


def test_the_register_page_refuses_a_bad_period_clearly(gate):
    model = gate.model(2)
    approved(gate, model, gate.member, purpose="")
    response = client_for(gate.world.compliance).get(f"/access/register/?model={model.pk}&since=yesterday")
    assert response.status_code == 400 and b"valid date" in response.content


def test_the_queues_ask_the_same_queries_for_one_request_or_many(gate):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance.access import services, signup

    model = gate.model(3, "Lumen-3B")

    def file_as(index: int) -> None:
        user = type(gate.member).objects.create_user(f"lab{index}", password="governance-demo")
        signup.update_profile(by=user, legal_name=f"Lab {index}", country="NL", affiliation=gate.institute)
        filed = services.file_request(by=user, model=model, purpose="Study", attestation_version="1")
        services.verify_identity(by=gate.world.dev_aurora, access_request=filed)

    developer, institution = client_for(gate.world.dev_aurora), client_for(gate.institution)

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queue:
            developer.get("/access/queue/")
        with CaptureQueriesContext(connection) as verifier:
            institution.get("/access/institution/")
        return len(queue), len(verifier)

    file_as(0)
    few = counts()
    for index in range(1, 6):
        file_as(index)
    assert counts() == few
