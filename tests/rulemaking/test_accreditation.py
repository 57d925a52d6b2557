"""Accreditation records and which results count (SPEC section 22)."""

import importlib
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.evidence import services as evidence
from governance.registry import services as registry
from governance.registry.models import Accreditation, Organization
from tests.factories import OrganizationFactory


def _grant(api, world, organization, domains=("bio",), **body):
    today = timezone.localdate()
    payload = {
        "organization": organization.pk,
        "domains": list(domains),
        "valid_from": str(today - timedelta(days=30)),
        "valid_until": str(today + timedelta(days=365)),
        "reasons": "Audited methodology and staff.",
        **body,
    }
    return api(world.regulator).post("/api/v1/accreditations/", payload, format="json")


def _result(world, model, domain, score, *, by=None):
    result = evidence.submit_evaluation(
        by=by or world.backyard,
        model=model,
        benchmark=world.benchmarks[domain],
        raw_score=Decimal(score),
        run_date=date(2026, 11, 1),
    )
    evidence.accept_evaluation(evaluation=result, by=world.regulator)
    model.refresh_from_db()
    return result


def test_a_grant_makes_the_evaluators_results_in_scope_count(world, api):
    model = world.register("Aster")
    _result(world, model, "bio", "0.9000")
    assert model.current_tier == 2  # Backyard is not accredited: its result is stored, not counted
    response = _grant(api, world, world.unaccredited)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["domains"] == ["bio"]
    assert body["state"] == "active"
    assert body["reasons"] == "Audited methodology and staff."
    model.refresh_from_db()
    assert model.current_tier == 4  # the result was submitted within the accreditation's validity
    world.unaccredited.refresh_from_db()
    assert world.unaccredited.accredited is True
    event = AuditEvent.objects.get(action="accreditation.granted")
    assert event.changes["domains"] == [None, ["bio"]]
    listed = api(world.dev_aurora).get("/api/v1/accreditations/").json()
    assert body["id"] in [a["id"] for a in listed["results"]]


def test_results_outside_the_scope_do_not_count(world, api):
    _grant(api, world, world.unaccredited, domains=["bio"])
    model = world.register("Aster")
    result = _result(world, model, "chem", "0.9000")
    assert result.provenance == "self_reported"
    assert model.current_tier == 2
    result = _result(world, model, "bio", "0.6000")
    assert result.provenance == "accredited"
    assert model.current_tier == 3


def test_validity_ending_before_it_starts_is_refused(world, api):
    response = _grant(api, world, world.unaccredited, valid_from="2026-06-01", valid_until="2026-05-31")
    assert response.status_code == 400
    assert "valid_until" in response.json()
    assert not Accreditation.objects.filter(organization=world.unaccredited).exists()
    response = _grant(api, world, world.unaccredited, domains=[])
    assert response.status_code == 400
    assert "domains" in response.json()
    response = _grant(api, world, world.aurora)
    assert response.status_code == 400
    assert "evaluator" in response.json()["organization"][0]


def test_only_a_regulator_accredits(world, api):
    today = timezone.localdate()
    payload = {
        "organization": world.unaccredited.pk,
        "domains": ["bio"],
        "valid_from": str(today),
        "valid_until": str(today),
        "reasons": "Self-nominated.",
    }
    assert api(world.evaluator).post("/api/v1/accreditations/", payload, format="json").status_code == 403
    assert api(world.board).post("/api/v1/accreditations/", payload, format="json").status_code == 403
    assert not Accreditation.objects.filter(organization=world.unaccredited).exists()


def test_results_submitted_while_suspended_never_count(world, api):
    accreditation = _grant(api, world, world.unaccredited).json()
    model = world.register("Aster")
    _result(world, model, "bio", "0.3000")
    assert model.current_tier == 2
    url = f"/api/v1/accreditations/{accreditation['id']}"
    response = api(world.regulator).post(f"{url}/suspend/", {"reasons": "Staff left."}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "suspended"
    world.unaccredited.refresh_from_db()
    assert world.unaccredited.accredited is False
    during = _result(world, model, "bio", "0.9000")
    assert model.current_tier == 2  # the earlier result still counts; the new one does not
    assert api(world.regulator).post(f"{url}/suspend/", {"reasons": "Again."}, format="json").status_code == 409
    response = api(world.regulator).post(f"{url}/reinstate/", {"reasons": "New staff vetted."}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "active"
    model.refresh_from_db()
    assert model.current_tier == 2  # still not the result submitted during the suspension
    evidence.withdraw_evaluation(evaluation=during, by=world.regulator)
    _result(world, model, "bio", "0.6000")
    assert model.current_tier == 3
    actions = list(
        AuditEvent.objects.filter(object_type="registry.accreditation").order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["accreditation.granted", "accreditation.suspended", "accreditation.active"]


def test_a_revocation_voiding_results_relaxes_the_models_tier(world, api):
    accreditation = _grant(api, world, world.unaccredited).json()
    kept = world.register("Kept")
    _result(world, kept, "bio", "0.6000")
    assert kept.current_tier == 3
    url = f"/api/v1/accreditations/{accreditation['id']}/revoke/"
    response = api(world.regulator).post(url, {"reasons": "Fabricated logs.", "void_results": True}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "revoked"
    assert response.json()["results_void"] is True
    kept.refresh_from_db()
    assert kept.determinations.get(status="pending_confirmation").tier == 2
    assert api(world.regulator).post(url, {"reasons": "Twice."}, format="json").status_code == 409


def test_a_revocation_without_voiding_keeps_earlier_results(world, api):
    accreditation = _grant(api, world, world.unaccredited).json()
    model = world.register("Aster")
    _result(world, model, "bio", "0.6000")
    url = f"/api/v1/accreditations/{accreditation['id']}/revoke/"
    assert api(world.regulator).post(url, {"reasons": "Lapsed insurance."}, format="json").status_code == 200
    model.refresh_from_db()
    assert model.current_tier == 3
    assert not model.determinations.filter(status="pending_confirmation").exists()
    _result(world, model, "bio", "0.9000")
    assert model.current_tier == 3


def test_a_change_needs_reasons_and_a_regulator(world, api):
    accreditation = _grant(api, world, world.unaccredited).json()
    url = f"/api/v1/accreditations/{accreditation['id']}/suspend/"
    assert api(world.regulator).post(url, {}, format="json").status_code == 400
    assert api(world.dev_aurora).post(url, {"reasons": "Mine."}, format="json").status_code == 403
    assert Accreditation.objects.get(pk=accreditation["id"]).state == "active"


def test_the_daily_job_expires_ended_accreditations(world):
    today = timezone.localdate()
    accreditation = registry.grant_accreditation(
        by=world.regulator,
        organization=world.unaccredited,
        domains=[world.benchmarks["bio"].domain],
        valid_from=today - timedelta(days=10),
        valid_until=today,
        reasons="A short pilot.",
    )
    world.unaccredited.refresh_from_db()
    assert world.unaccredited.accredited is True
    assert registry.expire_accreditations(today=today) == 0
    assert registry.expire_accreditations(today=today + timedelta(days=1)) == 1
    accreditation.refresh_from_db()
    assert accreditation.state == "expired"
    world.unaccredited.refresh_from_db()
    assert world.unaccredited.accredited is False
    assert registry.expire_accreditations(today=today + timedelta(days=1)) == 0
    assert AuditEvent.objects.filter(action="accreditation.expired").count() == 1


def test_the_public_register_lists_evaluators_with_scope_validity_and_history(world, api):
    accreditation = _grant(api, world, world.unaccredited, domains=["bio", "cyber"]).json()
    api(world.regulator).post(
        f"/api/v1/accreditations/{accreditation['id']}/suspend/", {"reasons": "Staff left."}, format="json"
    )
    response = api().get("/api/v1/register/evaluators/")
    assert response.status_code == 200
    entries = {e["name"]: e for e in response.json()["results"]}
    backyard = entries["Backyard Evals"]
    assert backyard["accredited"] is False
    [record] = backyard["accreditations"]
    assert record["domains"] == ["bio", "cyber"]
    assert record["state"] == "suspended"
    assert record["valid_until"] == accreditation["valid_until"]
    assert [h["action"] for h in record["history"]] == ["granted", "suspended"]
    assert record["history"][1]["reasons"] == "Staff left."
    assert entries["Meridian Evaluation Institute"]["accredited"] is True


def test_registering_an_accredited_evaluator_grants_an_accreditation(world, api):
    body = {"name": "Newcomer Evals", "kind": "evaluator", "jurisdiction": "EU", "accredited": True}
    response = api(world.regulator).post("/api/v1/organizations/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["accredited"] is True
    accreditation = Accreditation.objects.get(organization_id=response.json()["id"])
    assert accreditation.domains.count() == 6
    body = {"name": "Dev", "kind": "developer", "accredited": True}
    assert api(world.regulator).post("/api/v1/organizations/", body, format="json").status_code == 400


def test_the_migration_accredits_evaluators_flagged_accredited(world):
    migration = importlib.import_module("governance.registry.migrations.0006_accredit_existing_evaluators")
    legacy = OrganizationFactory(name="Legacy Evals", kind=Organization.Kind.EVALUATOR, accredited=True)
    migration.accredit_existing(apps, None)
    accreditation = Accreditation.objects.get(organization=legacy)
    assert accreditation.domains.count() == 6
    assert accreditation.state == "active"
    assert Accreditation.objects.filter(organization=world.meridian).count() == 1  # already had one
