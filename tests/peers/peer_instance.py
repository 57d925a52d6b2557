"""Seed the second Aperture instance of the peer integration test (run by ``manage.py
shell``): one released model at Tier 4 by that regulator's own decision."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from governance.registry import services as registry
from governance.registry.models import Membership, Organization
from governance.workflows.tier_changes import determine_own_motion

User = get_user_model()
regulator = User.objects.create_user("peer-regulator", password="peer-password-123")
regulator.groups.add(Group.objects.get(name="regulator"))
developer_org = Organization.objects.create(name="Aurora Labs", kind="developer", jurisdiction="JP")
developer = User.objects.create_user("peer-dev", password="peer-password-123")
developer.groups.add(Group.objects.get(name="developer"))
Membership.objects.create(user=developer, organization=developer_org)
model = registry.register_model(
    by=developer, developer=developer_org, name="Lumen", version="1.0", weights_sha256="ab" * 32, released=True
)
determine_own_motion(model=model, tier=4, rationale="Catastrophic uplift found here.", by=regulator)
print("seeded", model.pk)
