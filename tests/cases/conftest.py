import pytest

from governance.cases import services
from governance.workflows import cases as workflows
from tests.factories import hold_hearing


@pytest.fixture
def contested(world):
    """Aurora's model in Tier 3 with a contest filed asking for Tier 2."""
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    determination = model.determinations.get(status="in_force")
    contest = services.file_contest(
        by=world.dev_aurora, determination=determination, grounds="The bio eval was contaminated.", requested_tier=2
    )
    return contest


@pytest.fixture
def under_review(world, contested):
    return services.assign_adjudicator(contest=contested, by=world.regulator, adjudicator=world.regulator2)


@pytest.fixture
def decided(world, under_review):
    return workflows.decide_contest(
        contest=under_review, by=world.regulator2, outcome="upheld", reasons="The evaluation stands."
    )


@pytest.fixture
def appealed(world, decided):
    return services.file_appeal(by=world.dev_aurora, contest=decided, grounds="The adjudicator erred.")


@pytest.fixture
def heard(world, appealed):
    from datetime import timedelta

    from django.utils import timezone

    services.assign_panel(
        appeal=appealed,
        by=world.regulator,
        members=[world.regulator, world.regulator3, world.regulator4],
        chair=world.regulator,
    )
    appeal = services.schedule_hearing(
        appeal=appealed, by=world.regulator, hearing_at=timezone.now() + timedelta(days=7)
    )
    hold_hearing(appeal)
    return appeal
