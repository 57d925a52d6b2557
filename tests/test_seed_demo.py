import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from governance.access.models import AccessGrant, AccessRequest, RegisterEntry
from governance.audit.services import verify_chain
from governance.baselines.models import ThresholdSet
from governance.cases.models import Appeal, Contest, ReReview
from governance.compliance.models import Obligation
from governance.determinations.models import Determination
from governance.peers.models import PeerDetermination
from governance.registry.models import Accreditation, AIModel


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_seed_demo_is_realistic_and_idempotent(django_user_model):
    with override_settings(DEBUG=True):
        call_command("seed_demo")
        counts = (AIModel.objects.count(), Determination.objects.count(), Contest.objects.count())
        call_command("seed_demo")
    assert (AIModel.objects.count(), Determination.objects.count(), Contest.objects.count()) == counts
    assert 35 <= counts[0] <= 45
    assert AIModel.objects.filter(parent__isnull=False).count() >= 8
    assert set(Contest.objects.values_list("state", flat=True)) == {
        "filed",
        "under_review",
        "awaiting_information",
        "decided",
        "dismissed",
        "withdrawn",
    }
    assert set(Appeal.objects.values_list("state", flat=True)) == {
        "filed",
        "panel_assigned",
        "hearing_scheduled",
        "decided",
        "withdrawn",
    }
    assert Obligation.objects.filter(status="overdue").exists()
    assert set(AccessRequest.objects.values_list("state", flat=True)) == {
        "submitted",
        "identity_verified",
        "affiliation_confirmed",
        "approved",
        "denied",
        "withdrawn",
    }
    assert set(AccessGrant.objects.values_list("state", flat=True)) == {"active", "revoked", "suspended"}
    assert RegisterEntry.objects.filter(kind="check", allowed=True).exists()
    assert RegisterEntry.objects.filter(kind="check", allowed=False).exists()
    assert PeerDetermination.objects.filter(model__isnull=False).count() >= 4
    assert ReReview.objects.filter(trigger="peer_divergence").exists()
    assert Determination.objects.filter(status="pending_confirmation").exists()
    assert set(AIModel.objects.values_list("current_tier", flat=True)) == {1, 2, 3, 4}
    for username in (
        "regulator",
        "regulator2",
        "regulator3",
        "regulator4",
        "board",
        "board2",
        "board3",
        "compliance",
        "auditor",
        "dev-aurora",
        "dev-borealis",
        "evaluator",
        "researcher",
        "institution",
        "hub",
    ):
        assert django_user_model.objects.get(username=username).check_password("governance-demo")
    assert verify_chain().ok
    # SPEC 22: accreditation records, a set adopted after consultation, one out for consultation.
    assert set(Accreditation.objects.values_list("organization__name", "state")) == {
        ("Meridian Evaluation Institute", "active"),
        ("Sentinel Assurance", "active"),
    }
    current = ThresholdSet.objects.get(version="2026.1")
    assert current.votes.count() == 3
    assert current.consultations.get().response
    assert ThresholdSet.objects.get(version="2027.1-draft").status == "consultation"
