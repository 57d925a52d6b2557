"""SPEC 21 end to end through the API alone, as a black-box client would run it: a
researcher requests a Tier 3 model, the institution confirms, the developer approves, a
host's check is allowed; the model escalates to Tier 4 and the next check is refused."""

import pytest

from governance.access.models import AccessGrant, RegisterEntry
from governance.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_tier_3_request_to_refusal_after_escalation(gate, api):
    world = gate.world
    model = gate.model(3, "Lumen-3B")
    researcher, developer, institution = api(gate.researcher), api(world.dev_aurora), api(gate.institution)
    attestations = api().get("/api/v1/attestations/").json()
    version = next(a["version"] for a in attestations if a["tier"] == 3)

    filed = researcher.post(
        "/api/v1/access-requests/",
        {"model": model.pk, "purpose": "Evaluating refusal robustness", "attestation_version": version},
    )
    assert filed.status_code == 201, filed.content
    body = filed.json()
    assert body["reference"].startswith("AR-") and len(body["reference"]) == len("AR-2026-00001")
    assert (body["state"], body["tier_at_request"], body["requester"]) == ("submitted", 3, gate.researcher.pk)
    request_id = body["id"]

    # Out of order: the developer cannot approve before identity and affiliation.
    early = developer.post(f"/api/v1/access-requests/{request_id}/approve/", {})
    assert early.status_code == 409
    assert "identity verified" not in early.json()["detail"].lower() or "submitted" in early.json()["detail"]

    verified = developer.post(f"/api/v1/access-requests/{request_id}/verify-identity/")
    assert verified.json()["state"] == "identity_verified"
    # A Tier 3 model: approval still waits for the institution.
    waiting = developer.post(f"/api/v1/access-requests/{request_id}/approve/", {})
    assert waiting.status_code == 409
    assert "affiliation must be confirmed" in waiting.json()["detail"]

    # A verifier of another institution does not even see the request.
    other = api(gate.other_verifier).post(f"/api/v1/access-requests/{request_id}/confirm-affiliation/")
    assert other.status_code == 404
    confirmed = institution.post(f"/api/v1/access-requests/{request_id}/confirm-affiliation/")
    assert confirmed.json()["state"] == "affiliation_confirmed"

    approved = developer.post(f"/api/v1/access-requests/{request_id}/approve/", {"reasons": "Known lab"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["state"] == "approved" and approved.json()["decided_by"] == world.dev_aurora.pk
    grant_id = approved.json()["grant"]
    grant = researcher.get(f"/api/v1/access-grants/{grant_id}/").json()
    assert (grant["state"], grant["tier"], grant["research"], grant["attestation_version"]) == (
        "active",
        3,
        True,
        version,
    )
    assert grant["expires_at"][:4] == str(int(grant["granted_at"][:4]) + 1)

    hub = gate.host_client()
    allowed = hub.get(f"/api/v1/access/check/?model={model.pk}&requester={gate.researcher.pk}")
    assert allowed.status_code == 200
    assert allowed.json() == {
        "allowed": True,
        "tier": 3,
        "condition": "research_only",
        "grant": grant_id,
        "reason": "",
    }

    escalated = api(world.regulator).post(
        f"/api/v1/models/{model.pk}/determine/", {"tier": 4, "rationale": "Uplift found in a new evaluation."}
    )
    assert escalated.status_code == 201, escalated.content

    refused = hub.get(f"/api/v1/access/check/?model={model.pk}&requester={gate.researcher.pk}")
    assert refused.json()["allowed"] is False
    assert refused.json()["tier"] == 4
    assert "no open release" in refused.json()["reason"]
    assert researcher.get(f"/api/v1/access-grants/{grant_id}/").json()["state"] == "suspended"
    notice = Notification.objects.get(recipient=gate.researcher, event="access_grant")
    assert "suspended" in notice.subject and "Tier 4" in notice.body

    register = api(world.compliance).get(f"/api/v1/access-register/?model={model.pk}").json()["results"]
    kinds = sorted(entry["kind"] for entry in register)
    assert kinds == ["check", "check", "granted", "suspended"]
    checks = [e for e in register if e["kind"] == "check"]
    assert {(e["allowed"], e["host"]) for e in checks} == {(True, gate.hub_org.pk), (False, gate.hub_org.pk)}


def test_a_request_for_a_tier_4_model_is_refused_with_the_reason(gate, api):
    model = gate.model(4)
    response = api(gate.researcher).post(
        "/api/v1/access-requests/", {"model": model.pk, "purpose": "x", "attestation_version": "1"}
    )
    assert response.status_code == 409
    assert "no open release" in response.json()["detail"]
    assert not model.access_requests.exists()


def test_a_tier_1_model_needs_no_request_and_every_check_is_allowed(gate, api):
    model = gate.model(1)
    response = api(gate.member).post("/api/v1/access-requests/", {"model": model.pk, "attestation_version": "1"})
    assert response.status_code == 409 and "no request needed" in response.json()["detail"]
    answer = gate.host_client().get(f"/api/v1/access/check/?model={model.pk}&requester={gate.member.pk}").json()
    assert answer == {"allowed": True, "tier": 1, "condition": "none", "grant": None, "reason": ""}
    assert RegisterEntry.objects.filter(model=model, kind="check", allowed=True).count() == 1


def test_tier_2_escalation_suspends_only_grants_without_research_access(gate, api):
    from governance.access import services
    from tests.access.conftest import approved

    model = gate.model(2)
    plain = approved(gate, model, gate.member, purpose="")
    research = approved(gate, model, gate.researcher)
    # The researcher's Tier 2 request had no affiliation step: give it one as a Tier 3 grant has.
    assert research.research is False
    lab_model = gate.model(3, "Lab model")
    lab = approved(gate, lab_model)
    assert lab.research is True

    api(gate.world.regulator).post(f"/api/v1/models/{model.pk}/determine/", {"tier": 3, "rationale": "New evidence."})
    plain.refresh_from_db()
    research.refresh_from_db()
    assert (plain.state, research.state) == ("suspended", "suspended")
    assert "only research access" in plain.reasons

    # A relaxation leaves grants as they are; reinstatement is by a new request only.
    response = api(gate.world.regulator).post(
        f"/api/v1/models/{lab_model.pk}/determine/", {"tier": 2, "rationale": "Mitigations verified."}
    )
    assert response.status_code == 201
    lab.refresh_from_db()
    assert lab.state == "active"
    renewed = services.file_request(
        by=gate.researcher, model=model, purpose="Safety evaluation", attestation_version=gate.version(3)
    )
    services.verify_identity(by=gate.world.dev_aurora, access_request=renewed)
    services.confirm_affiliation(by=gate.institution, access_request=renewed)
    new_grant = services.approve(by=gate.world.dev_aurora, access_request=renewed)
    assert new_grant.state == "active" and new_grant.research
    assert RegisterEntry.objects.filter(grant=new_grant, kind="reinstated").exists()
    research.refresh_from_db()
    assert research.state == "suspended"


def test_the_condition_is_the_tier_in_force_when_decided(gate, api):
    from governance.access import services

    model = gate.model(2)
    access_request = services.file_request(by=gate.member, model=model, purpose="", attestation_version=gate.version(2))
    services.verify_identity(by=gate.world.dev_aurora, access_request=access_request)
    api(gate.world.regulator).post(f"/api/v1/models/{model.pk}/determine/", {"tier": 3, "rationale": "Escalated."})
    response = api(gate.world.dev_aurora).post(f"/api/v1/access-requests/{access_request.pk}/approve/", {})
    assert response.status_code == 409
    assert "Tier 3" in response.json()["detail"]
    assert not AccessGrant.objects.filter(model=model).exists()
