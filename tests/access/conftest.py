"""The access gate's world: a verified research institute with its verifier and a
researcher, a host with its user, and models at each tier (SPEC 21's demo cast)."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from governance.access import signup
from governance.access.models import Attestation
from governance.registry.models import Organization
from governance.workflows import tier_changes
from tests.factories import OrganizationFactory, UserFactory

# Scores that put a model at each tier under the fixture's threshold set.
TIER_SCORES = {1: {}, 2: {"bio": "0.3000"}, 3: {"bio": "0.6000"}, 4: {"bio": "0.9000"}}


class Gate:
    def __init__(self, world: Any) -> None:
        self.world = world
        self.institute = OrganizationFactory(
            name="Institute for Open Safety Research", kind=Organization.Kind.RESEARCH, verified=True
        )
        self.other_institute = OrganizationFactory(
            name="Unverified Research Lab", kind=Organization.Kind.RESEARCH, verified=False
        )
        self.hub_org = OrganizationFactory(name="OpenWeights Hub", kind=Organization.Kind.HOST)
        self.institution = UserFactory(
            username="institution", roles=["institution_verifier"], organization=self.institute
        )
        self.other_verifier = UserFactory(
            username="other-verifier", roles=["institution_verifier"], organization=self.other_institute
        )
        self.hub = UserFactory(username="hub", roles=["host"], organization=self.hub_org)
        self.researcher = UserFactory(username="researcher", roles=["requester"])
        signup.update_profile(
            by=self.researcher, legal_name="Rosa Researcher", country="DE", affiliation=self.institute
        )
        self.member = UserFactory(username="member", roles=["requester"])
        signup.update_profile(by=self.member, legal_name="Max Public", country="FR", affiliation=None)

    def model(self, tier: int, name: str | None = None, developer: Any = None) -> Any:
        model = self.world.register(name or f"Tier{tier} model", developer=developer)
        self.world.full_evidence(model, TIER_SCORES[tier])
        pending = model.determinations.filter(status="pending_confirmation").first()
        if pending is not None:  # a relaxation from the provisional tier waits for a human
            tier_changes.confirm_relaxation(
                determination=pending, by=self.world.regulator, reasons="Evidence complete."
            )
        model.refresh_from_db()
        assert model.current_tier == tier
        return model

    def version(self, tier: int) -> str:
        return Attestation.objects.get(tier=tier, in_force=True).version

    def host_client(self, user: Any = None, scope: str = "access:check") -> APIClient:
        """A client holding a real token, obtained as a host would through the API."""
        user = user or self.hub
        client = APIClient()
        response = client.post(
            "/api/v1/auth/token/", {"username": user.username, "password": "governance-demo", "scope": scope}
        )
        assert response.status_code == 200, response.content
        client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
        return client


@pytest.fixture
def gate(world) -> Gate:
    return Gate(world)


def approved(gate: Gate, model: Any, requester: Any = None, purpose: str = "Red-teaming study") -> Any:
    """A request taken through every step its tier asks, through the services."""
    from governance.access import services

    requester = requester or gate.researcher
    tier = model.current_tier
    access_request = services.file_request(
        by=requester, model=model, purpose=purpose, attestation_version=gate.version(tier)
    )
    services.verify_identity(by=gate.world.dev_aurora, access_request=access_request)
    if tier == 3:
        services.confirm_affiliation(by=gate.institution, access_request=access_request)
    return services.approve(by=gate.world.dev_aurora, access_request=access_request)
