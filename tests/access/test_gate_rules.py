"""Bad input, permissions, the check's constant queries, the register and its export,
expiry, tokens (SPEC 16, 20, 21)."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from governance.access import services
from governance.access.models import AccessGrant, AccessRequest, RegisterEntry
from governance.access.tasks import expire_access_grants
from governance.registry.models import ApiToken
from governance.tiering import access as rule
from tests.access.conftest import approved

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("tier", "state", "research", "expired", "allowed", "words"),
    [
        (None, None, False, False, False, "no tier in force"),
        (1, None, False, False, True, ""),
        (2, None, False, False, False, "No access grant"),
        (2, "active", False, False, True, ""),
        (2, "active", False, True, False, "expired"),
        (2, "suspended", False, False, False, "suspended"),
        (2, "revoked", True, False, False, "revoked"),
        (3, "active", False, False, False, "research access only"),
        (3, "active", True, False, True, ""),
        (3, "active", True, True, False, "expired"),
        (4, "active", True, False, False, "no open release"),
    ],
)
def test_the_gate_rule_at_every_boundary(tier, state, research, expired, allowed, words):
    answer = rule.answer(tier, grant_state=state, grant_research=research, grant_expired=expired)
    assert answer.allowed is allowed
    assert words in answer.reason
    assert answer.condition == (rule.CONDITION_BY_TIER[tier] if tier else None)


def test_bad_requests_answer_4xx_and_change_nothing(gate, api):
    model = gate.model(3)
    client = api(gate.researcher)
    wrong_version = client.post(
        "/api/v1/access-requests/", {"model": model.pk, "purpose": "Study", "attestation_version": "0"}
    )
    assert wrong_version.status_code == 400
    assert "version 1" in wrong_version.json()["attestation_version"][0]
    no_purpose = client.post("/api/v1/access-requests/", {"model": model.pk, "attestation_version": "1"})
    assert no_purpose.status_code == 400 and "research purpose" in no_purpose.json()["purpose"][0]
    unaffiliated = api(gate.member).post(
        "/api/v1/access-requests/", {"model": model.pk, "purpose": "Study", "attestation_version": "1"}
    )
    assert unaffiliated.status_code == 400 and "verified research" in unaffiliated.json()["affiliation"][0]
    unknown = client.post("/api/v1/access-requests/", {"model": 999999, "purpose": "x", "attestation_version": "1"})
    assert unknown.status_code == 400 and "model" in unknown.json()
    assert not AccessRequest.objects.exists()

    first = client.post("/api/v1/access-requests/", {"model": model.pk, "purpose": "Study", "attestation_version": "1"})
    assert first.status_code == 201
    second = client.post(
        "/api/v1/access-requests/", {"model": model.pk, "purpose": "Again", "attestation_version": "1"}
    )
    assert second.status_code == 409 and "already have an open" in second.json()["detail"]
    assert AccessRequest.objects.count() == 1

    denied_without_reasons = api(gate.world.dev_aurora).post(f"/api/v1/access-requests/{first.json()['id']}/deny/", {})
    assert denied_without_reasons.status_code == 400
    # Another developer organisation does not see the request at all.
    foreign = api(gate.world.dev_borealis).post(f"/api/v1/access-requests/{first.json()['id']}/verify-identity/")
    assert foreign.status_code == 404
    # The requester cannot verify their own identity.
    own = client.post(f"/api/v1/access-requests/{first.json()['id']}/verify-identity/")
    assert own.status_code == 403
    assert AccessRequest.objects.get().state == "submitted"


def test_deny_and_withdraw_are_final(gate, api):
    model = gate.model(2)
    dev = api(gate.world.dev_aurora)
    filed = api(gate.member).post("/api/v1/access-requests/", {"model": model.pk, "attestation_version": "1"}).json()
    denied = dev.post(f"/api/v1/access-requests/{filed['id']}/deny/", {"reasons": "Identity could not be checked."})
    assert denied.json()["state"] == "denied" and denied.json()["reasons"] == "Identity could not be checked."
    again = dev.post(f"/api/v1/access-requests/{filed['id']}/verify-identity/")
    assert again.status_code == 409
    withdrawn_late = api(gate.member).post(f"/api/v1/access-requests/{filed['id']}/withdraw/")
    assert withdrawn_late.status_code == 409
    refiled = api(gate.member).post("/api/v1/access-requests/", {"model": model.pk, "attestation_version": "1"})
    assert refiled.status_code == 201
    withdrawn = api(gate.member).post(f"/api/v1/access-requests/{refiled.json()['id']}/withdraw/")
    assert withdrawn.json()["state"] == "withdrawn"


def test_only_hosts_with_a_check_token_may_ask(gate, api):
    model = gate.model(2)
    url = f"/api/v1/access/check/?model={model.pk}&requester={gate.member.pk}"
    assert api(gate.world.regulator).get(url).status_code == 403
    developer_scoped = gate.host_client(gate.world.dev_aurora)
    assert developer_scoped.get(url).status_code == 403
    unscoped_host = gate.host_client(scope="")
    assert unscoped_host.get(url).status_code == 403
    hub = gate.host_client()
    # The scoped token opens nothing else.
    assert hub.get("/api/v1/models/").status_code == 403
    assert hub.get(f"/api/v1/access/check/?model=999999&requester={gate.member.pk}").status_code == 404
    assert hub.get(f"/api/v1/access/check/?model={model.pk}&requester=999999").status_code == 404
    assert hub.get("/api/v1/access/check/?model=abc").status_code == 400
    assert not RegisterEntry.objects.filter(kind="check").exists()
    assert hub.get(url).json()["allowed"] is False
    assert RegisterEntry.objects.filter(kind="check", allowed=False).count() == 1


def test_the_check_asks_a_constant_number_of_queries(gate, django_assert_num_queries):
    quiet = gate.model(2, "Quiet")
    busy = gate.model(2, "Busy")
    for index in range(5):
        user = type(gate.member).objects.create_user(f"holder{index}", password="governance-demo")
        from governance.access import signup

        signup.update_profile(by=user, legal_name=f"Holder {index}", country="NL", affiliation=None)
        approved(gate, busy, user, purpose="")
    approved(gate, busy, gate.member, purpose="")
    hub = gate.host_client()
    # the token with its user and the user's roles and organisation, the answer, the register entry
    with django_assert_num_queries(3):
        assert hub.get(f"/api/v1/access/check/?model={quiet.pk}&requester={gate.member.pk}").json()["allowed"] is False
    with django_assert_num_queries(3):
        assert hub.get(f"/api/v1/access/check/?model={busy.pk}&requester={gate.member.pk}").json()["allowed"] is True


def test_register_visibility_and_csv_per_model_and_period(gate, api):
    model = gate.model(2)
    other = gate.model(2, "Other")
    approved(gate, model, gate.member, purpose="")
    approved(gate, other, gate.member, purpose="")
    gate.host_client().get(f"/api/v1/access/check/?model={model.pk}&requester={gate.member.pk}")
    assert api(gate.world.dev_borealis).get("/api/v1/access-register/").json()["count"] == 0
    assert api(gate.world.dev_aurora).get("/api/v1/access-register/").json()["count"] == 3
    assert api(gate.researcher).get("/api/v1/access-register/").json()["count"] == 0
    assert api(gate.member).get("/api/v1/access-register/").json()["count"] == 3
    today = timezone.localdate().isoformat()
    response = api(gate.world.auditor).get(f"/api/v1/access-register.csv?model={model.pk}&since={today}&until={today}")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["kind"] for row in rows] == ["granted", "check"]
    assert rows[1]["allowed"] == "yes" and rows[1]["host"] == "OpenWeights Hub"
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    later = api(gate.world.auditor).get(f"/api/v1/access-register.csv?model={model.pk}&since={tomorrow}")
    assert b"".join(later.streaming_content).decode().strip().count("\n") == 0
    assert api(gate.world.auditor).get("/api/v1/access-register.csv?since=yesterday").status_code == 400


def test_register_is_append_only(gate):
    from django.db import DatabaseError, connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    model = gate.model(2)
    approved(gate, model, gate.member, purpose="")
    entry = RegisterEntry.objects.get()
    with pytest.raises(DatabaseError), transaction.atomic():
        RegisterEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        RegisterEntry.objects.filter(pk=entry.pk).delete()


def test_tier_3_grants_expire_and_are_renewed_by_a_new_request(gate, api):
    model = gate.model(3)
    grant = approved(gate, model)
    assert grant.expires_at.date().year == grant.granted_at.date().year + 1
    AccessGrant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    url = f"/api/v1/access/check/?model={model.pk}&requester={gate.researcher.pk}"
    hub = gate.host_client()
    assert "expired" in hub.get(url).json()["reason"]  # refused before the job has run
    assert expire_access_grants.apply().get() == 1
    grant.refresh_from_db()
    assert grant.state == "expired"
    renewed = approved(gate, model)
    assert renewed.state == "active" and hub.get(url).json()["grant"] == renewed.pk


def test_revocation_by_the_developer_with_reasons(gate, api):
    model = gate.model(2)
    grant = approved(gate, model, gate.member, purpose="")
    assert api(gate.member).post(f"/api/v1/access-grants/{grant.pk}/revoke/", {"reasons": "x"}).status_code == 403
    response = api(gate.world.dev_aurora).post(f"/api/v1/access-grants/{grant.pk}/revoke/", {"reasons": "Misuse."})
    assert response.json()["state"] == "revoked" and response.json()["reasons"] == "Misuse."
    listed = api(gate.member).get(f"/api/v1/access-grants/?model={model.pk}&state=revoked").json()
    assert [g["id"] for g in listed["results"]] == [grant.pk]


def test_tokens_are_hashed_scoped_listed_and_revoked(gate, api):
    from rest_framework.test import APIClient

    client = APIClient()
    made = client.post(
        "/api/v1/auth/token/", {"username": "hub", "password": "governance-demo", "scope": "access:check"}
    ).json()
    assert made["scope"] == "access:check" and made["expiry"]
    stored = ApiToken.objects.get(token_key=made["id"])
    assert made["token"] not in (stored.digest, stored.token_key)
    bad_scope = client.post(
        "/api/v1/auth/token/",
        {"username": "hub", "password": "governance-demo", "scope": "all"},
        content_type="application/json",
    )
    assert bad_scope.status_code == 400
    full = client.post(
        "/api/v1/auth/token/", {"username": "hub", "password": "governance-demo"}, content_type="application/json"
    ).json()
    owner = APIClient()
    owner.credentials(HTTP_AUTHORIZATION=f"Token {full['token']}")
    listed = owner.get("/api/v1/auth/tokens/").json()
    assert {t["id"] for t in listed} == {made["id"], full["id"]}
    assert all("token" not in t for t in listed)
    assert owner.delete(f"/api/v1/auth/tokens/{made['id']}/").status_code == 204
    revoked = APIClient()
    revoked.credentials(HTTP_AUTHORIZATION=f"Token {made['token']}")
    assert revoked.get("/api/v1/access/check/?model=1&requester=1").status_code == 401


def test_attestation_versions_replace_each_other(gate, api):
    model = gate.model(2)
    services.publish_attestation(by=gate.world.regulator, tier=2, version="2", text="New text.")
    assert {a["tier"]: a["version"] for a in api().get("/api/v1/attestations/").json()} == {2: "2", 3: "1"}
    old = api(gate.member).post("/api/v1/access-requests/", {"model": model.pk, "attestation_version": "1"})
    assert old.status_code == 400
    grant = approved(gate, model, gate.member, purpose="")
    assert grant.attestation_version == "2"


def test_an_access_register_audit_is_generated_from_the_register(gate, api):
    from governance.compliance.models import Obligation

    model = gate.model(3)
    approved(gate, model)
    hub = gate.host_client()
    hub.get(f"/api/v1/access/check/?model={model.pk}&requester={gate.researcher.pk}")
    hub.get(f"/api/v1/access/check/?model={model.pk}&requester={gate.member.pk}")
    obligation = Obligation.objects.get(model=model, kind="access_register_audit")
    today = timezone.localdate().isoformat()
    response = api(gate.world.dev_aurora).post(
        f"/api/v1/obligations/{obligation.pk}/register-audit/", {"period_end": today}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert '"checks_allowed": 1' in body["notes"] and '"checks_refused": 1' in body["notes"]
    assert '"granted": 1' in body["notes"]
    submission = obligation.submissions.get()
    lines = submission.files.get().file.read().decode().strip().splitlines()
    assert len(lines) == 4 and lines[0].startswith("at,kind,model")
    other = Obligation.objects.filter(model=model).exclude(kind="access_register_audit").first()
    refused = api(gate.world.dev_aurora).post(f"/api/v1/obligations/{other.pk}/register-audit/", {"period_end": today})
    assert refused.status_code == 400


def test_a_regulator_verifies_research_organisations_and_registers_hosts(gate, api):
    lab = gate.other_institute
    assert (
        api(gate.world.dev_aurora).post(f"/api/v1/organizations/{lab.pk}/verify/", {"verified": True}).status_code
        == 403
    )
    response = api(gate.world.regulator).post(
        f"/api/v1/organizations/{lab.pk}/verify/", {"verified": True, "reasons": "Charter checked."}
    )
    assert response.json()["verified"] is True
    not_research = api(gate.world.regulator).post(
        f"/api/v1/organizations/{gate.world.aurora.pk}/verify/", {"verified": True}
    )
    assert not_research.status_code == 400
    host = api(gate.world.regulator).post("/api/v1/organizations/", {"name": "Mirror Net", "kind": "host"})
    assert host.status_code == 201 and host.json()["kind"] == "host" and host.json()["verified"] is False


def test_json_nested_too_deeply_is_a_400_everywhere(gate, api):
    from rest_framework.test import APIClient

    body = "[" * 100_000 + "]" * 100_000
    anonymous = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert anonymous.status_code == 400 and "nested deeper than" in anonymous.json()["detail"]
    signed_in = api(gate.researcher).post("/api/v1/access-requests/", body, content_type="application/json")
    assert signed_in.status_code == 400
    assert not AccessRequest.objects.exists()
