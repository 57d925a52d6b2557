"""Transitions as data (governance.tiering.transitions): the table the services enforce and
the pages consult."""

import pytest

from governance.baselines.models import ThresholdSet
from governance.cases.models import Appeal, Contest, ReReview
from governance.compliance.models import ComplianceSubmission, Obligation
from governance.determinations.models import Determination
from governance.evidence.models import EvaluationResult
from governance.registry.models import Accreditation
from governance.tiering.transitions import TRANSITIONS, actions_from, allows, leads_to

STATES = {
    "determination": Determination.Status.values,
    "thresholdset": ThresholdSet.Status.values,
    "evaluationresult": EvaluationResult.Status.values,
    "accreditation": Accreditation.State.values,
    "compliancesubmission": ComplianceSubmission.State.values,
    "obligation": Obligation.Status.values,
    "contest": Contest.State.values,
    "appeal": Appeal.State.values,
    "rereview": ReReview.State.values,
}


@pytest.mark.parametrize("kind", sorted(STATES))
def test_every_state_in_the_table_is_a_state_of_the_model(kind):
    for action, (sources, target) in TRANSITIONS[kind].items():
        assert sources <= set(STATES[kind]), action
        assert target is None or target in STATES[kind], action


@pytest.mark.parametrize(
    ("kind", "action", "state", "target"),
    [
        ("contest", "decide", "under_review", "decided"),
        ("contest", "decide", "awaiting_information", None),
        ("contest", "dismiss", "under_review", None),
        ("contest", "withdraw", "decided", None),
        ("appeal", "vote", "hearing_scheduled", "hearing_scheduled"),
        ("appeal", "vote", "panel_assigned", None),
        ("rereview", "complete", "scheduled", None),
        ("determination", "confirm", "in_force", None),
        ("determination", "reject", "pending_confirmation", "rejected"),
        ("evaluationresult", "withdraw", "submitted", None),
        ("evaluationresult", "withdraw", "accepted", "withdrawn"),
        ("thresholdset", "publish", "published", None),
    ],
)
def test_leads_to(kind, action, state, target):
    assert leads_to(kind, action, state) == target
    assert allows(kind, action, state) is (target is not None)


def test_closed_cases_allow_nothing():
    assert actions_from("contest", "decided") == ["appeal"]
    assert actions_from("contest", "withdrawn") == []
    assert actions_from("appeal", "decided") == []
    assert actions_from("rereview", "completed") == []
