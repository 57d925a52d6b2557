"""SPEC 21's journey in headless Chromium: a researcher requests a Tier 3 model, the
institution confirms, the developer approves, a host's check is allowed; the model
escalates to Tier 4 and the next check is refused with the reason."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from governance.access import signup
from governance.access.models import AccessGrant
from governance.registry.models import Organization
from tests.factories import PASSWORD, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def ask_the_gate(live_server, token: str, model_id: int, requester_id: int) -> dict:
    request = urllib.request.Request(
        f"{live_server.url}/api/v1/access/check/?model={model_id}&requester={requester_id}",
        headers={"Authorization": f"Token {token}", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_research_access_granted_then_closed_by_escalation(world, tier3, sign_in, live_server):
    institute = OrganizationFactory(
        name="Institute for Open Safety Research", kind=Organization.Kind.RESEARCH, verified=True
    )
    UserFactory(username="institution", roles=["institution_verifier"], organization=institute)
    hub_org = OrganizationFactory(name="OpenWeights Hub", kind=Organization.Kind.HOST)
    UserFactory(username="hub", roles=["host"], organization=hub_org)
    researcher = UserFactory(username="researcher", roles=["requester"])
    signup.update_profile(by=researcher, legal_name="Ada Okafor", country="DE", affiliation=institute)

    # The researcher finds the model on the public register and requests access.
    page = sign_in("researcher")
    page.goto("/register/")
    page.get_by_role("link", name="How to request access").click()
    expect(page.locator("h1")).to_have_text("Access to Aster 1.0")
    page.get_by_label("Purpose").fill("Measuring refusal robustness under fine-tuning.")
    page.get_by_label("I accept the attestation above").check()
    page.get_by_role("button", name="Request access").click()
    expect(page.locator(".messages")).to_contain_text("your request was filed")
    expect(page.locator("main")).to_contain_text("Submitted")

    # The developer verifies the requester's identity; the institution confirms the affiliation.
    developer = sign_in("dev-aurora")
    developer.get_by_role("link", name="Access queue").click()
    developer.get_by_role("button", name="Verify identity").click()
    expect(developer.locator(".messages")).to_contain_text("verify identity done")
    institution = sign_in("institution")
    institution.get_by_role("link", name="Affiliations").click()
    expect(institution.locator("main")).to_contain_text("Ada Okafor")
    institution.get_by_role("button", name="Confirm affiliation").click()
    expect(institution.locator("main")).to_contain_text("Nothing to confirm.")

    # The developer approves; the researcher sees the grant.
    developer.reload()
    developer.get_by_role("button", name="Approve").click()
    expect(developer.locator(".messages")).to_contain_text("approve done")
    page.goto("/access/")
    expect(page.locator("#grants-h + .table-wrap")).to_contain_text("Active")

    # The hub asks the gate with its access:check token: allowed.
    from rest_framework.test import APIClient

    token = (
        APIClient()
        .post("/api/v1/auth/token/", {"username": "hub", "password": PASSWORD, "scope": "access:check"})
        .json()["token"]
    )
    answer = ask_the_gate(live_server, token, tier3.pk, researcher.pk)
    assert answer["allowed"] is True and answer["tier"] == 3

    # A regulator escalates the model to Tier 4: the grant is suspended, the next check refused.
    regulator = sign_in("regulator")
    regulator.goto(f"/models/{tier3.pk}/")
    regulator.get_by_text("Own-motion determination").click()
    regulator.get_by_label("Tier:", exact=True).select_option("4")
    regulator.get_by_label("Rationale").fill("A new evaluation shows catastrophic uplift.")
    regulator.get_by_role("button", name="Issue determination").click()
    expect(regulator.locator(".messages")).to_be_visible()
    assert AccessGrant.objects.get(requester=researcher).state == "suspended"
    refused = ask_the_gate(live_server, token, tier3.pk, researcher.pk)
    assert refused["allowed"] is False and "no open release" in refused["reason"]
    page.goto("/access/")
    expect(page.locator("#grants-h + .table-wrap")).to_contain_text("Suspended")
