"""Appeals (SPEC section 6): panels, recusal, votes, the majority rule, dissent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.cases import services
from governance.cases.models import Appeal, Contest
from governance.notifications.models import Notification
from governance.platform.errors import Conflict, IllegalTransition, Invalid, NotAllowed
from governance.workflows import cases as workflows
from tests.factories import hold_hearing


def test_appeal_filed_within_window(world, appealed):
    assert appealed.reference.startswith("AP-") and appealed.state == "filed"
    assert appealed.due_date == timezone.localdate() + timedelta(days=90)
    assert Notification.objects.filter(event="appeal_filed", recipient=world.regulator).exists()


def test_appeal_window_closes_after_30_days(world, decided):
    Contest.objects.filter(pk=decided.pk).update(decided_at=timezone.now() - timedelta(days=31))
    decided.refresh_from_db()
    with pytest.raises(Conflict, match="appeal window closed"):
        services.file_appeal(by=world.dev_aurora, contest=decided, grounds="g")


def test_only_decided_contests_are_appealed(world, under_review):
    with pytest.raises(Conflict):
        services.file_appeal(by=world.dev_aurora, contest=under_review, grounds="g")


def test_second_appeal_refused(world, appealed):
    with pytest.raises(Conflict, match="already been appealed"):
        services.file_appeal(by=world.dev_aurora, contest=appealed.contest, grounds="again")
    with pytest.raises(NotAllowed):
        services.file_appeal(by=world.dev_borealis, contest=appealed.contest, grounds="g")


def test_panel_excludes_adjudicator_conflicted_and_non_regulators(world, appealed):
    from governance.cases.models import ConflictOfInterest

    cases = [
        [world.regulator, world.regulator2, world.regulator3],  # regulator2 adjudicated the contest
        [world.regulator, world.regulator3, world.compliance],  # not a regulator
        [world.regulator, world.regulator3, world.regulator3],  # not three different members
        [world.regulator, world.regulator3],
    ]
    for members in cases:
        with pytest.raises(Invalid):
            services.assign_panel(appeal=appealed, by=world.regulator, members=members, chair=world.regulator)
    ConflictOfInterest.objects.create(regulator=world.regulator4, organization=world.aurora)
    with pytest.raises(Invalid) as error:
        services.assign_panel(
            appeal=appealed,
            by=world.regulator,
            members=[world.regulator, world.regulator3, world.regulator4],
            chair=world.regulator,
        )
    assert "regulator4" in " ".join(error.value.fields["members"])
    with pytest.raises(Invalid):
        services.assign_panel(
            appeal=appealed,
            by=world.regulator,
            members=[world.regulator, world.regulator3, world.board],
            chair=world.regulator4,
        )
    appealed.refresh_from_db()
    assert appealed.state == "filed" and appealed.panel.count() == 0


def test_board_members_may_sit_on_panels(world, appealed):
    appeal = services.assign_panel(
        appeal=appealed, by=world.board, members=[world.regulator, world.regulator3, world.board], chair=world.board
    )
    assert appeal.state == "panel_assigned" and appeal.chair == world.board


def test_hearing_must_be_in_the_future(world, appealed):
    services.assign_panel(
        appeal=appealed,
        by=world.regulator,
        members=[world.regulator, world.regulator3, world.regulator4],
        chair=world.regulator,
    )
    with pytest.raises(Invalid):
        services.schedule_hearing(appeal=appealed, by=world.regulator, hearing_at=timezone.now() - timedelta(hours=1))


def test_majority_affirms_and_dissent_is_kept(world, heard):
    workflows.cast_vote(appeal=heard, by=world.regulator, vote="affirm", reasons="Sound decision.")
    workflows.cast_vote(appeal=heard, by=world.regulator3, vote="reverse", tier=2, reasons="The eval was flawed.")
    heard.refresh_from_db()
    assert heard.state == "hearing_scheduled"
    appeal = workflows.cast_vote(appeal=heard, by=world.regulator4, vote="affirm", reasons="Agree with the chair.")
    assert (appeal.state, appeal.outcome, appeal.decided_tier) == ("decided", "affirmed", 3)
    assert appeal.votes.count() == 3
    assert Notification.objects.filter(event="appeal_decided", recipient=world.dev_aurora).exists()


def test_majority_reverses_with_appeal_decision_in_force(world, heard):
    workflows.cast_vote(appeal=heard, by=world.regulator, vote="reverse", tier=2, reasons="Flawed.")
    appeal = workflows.cast_vote(appeal=heard, by=world.regulator3, vote="reverse", tier=2, reasons="Agreed.")
    assert (appeal.state, appeal.outcome, appeal.decided_tier) == ("decided", "reversed", 2)
    in_force = appeal.contest.model.determinations.get(status="in_force")
    assert in_force.kind == "appeal_decision" and in_force.tier == 2
    with pytest.raises(IllegalTransition):
        workflows.cast_vote(appeal=appeal, by=world.regulator4, vote="affirm", reasons="Too late.")


def test_split_reversal_tiers_wait_for_the_third_vote_then_the_chair(world, heard):
    workflows.cast_vote(appeal=heard, by=world.regulator, vote="reverse", tier=1, reasons="a")
    workflows.cast_vote(appeal=heard, by=world.regulator3, vote="reverse", tier=2, reasons="b")
    heard.refresh_from_db()
    assert heard.state == "hearing_scheduled"
    appeal = workflows.cast_vote(appeal=heard, by=world.regulator4, vote="affirm", reasons="c")
    assert (appeal.outcome, appeal.decided_tier) == ("reversed", 1), "the chair's tier decides"


def test_only_panel_members_vote_once(world, heard):
    with pytest.raises(NotAllowed):
        workflows.cast_vote(appeal=heard, by=world.regulator2, vote="affirm", reasons="r")
    workflows.cast_vote(appeal=heard, by=world.regulator, vote="affirm", reasons="r")
    with pytest.raises(Conflict):
        workflows.cast_vote(appeal=heard, by=world.regulator, vote="reverse", tier=1, reasons="changed my mind")


@pytest.mark.parametrize(
    "vote, tier, reasons, field",
    [("reverse", None, "r", "tier"), ("affirm", None, "", "reasons"), ("abstain", None, "r", "vote")],
)
def test_vote_input(world, heard, vote, tier, reasons, field):
    with pytest.raises(Invalid) as error:
        workflows.cast_vote(appeal=heard, by=world.regulator, vote=vote, tier=tier, reasons=reasons)
    assert field in error.value.fields
    assert heard.votes.count() == 0


def test_votes_only_after_hearing_scheduled(world, appealed):
    services.assign_panel(
        appeal=appealed,
        by=world.regulator,
        members=[world.regulator, world.regulator3, world.regulator4],
        chair=world.regulator,
    )
    with pytest.raises(IllegalTransition):
        workflows.cast_vote(appeal=appealed, by=world.regulator, vote="affirm", reasons="r")


def test_withdrawal(world, heard):
    appeal = services.withdraw_appeal(appeal=heard, by=world.dev_aurora)
    assert appeal.state == "withdrawn"
    with pytest.raises(IllegalTransition):
        services.withdraw_appeal(appeal=appeal, by=world.dev_aurora)
    assert Appeal.objects.get(pk=appeal.pk).state == "withdrawn"


def test_votes_come_at_or_after_the_hearing(world, appealed):
    """SPEC 6: a hearing two weeks ahead does not let the panel decide today."""
    services.assign_panel(
        appeal=appealed,
        by=world.regulator,
        members=[world.regulator, world.regulator3, world.regulator4],
        chair=world.regulator,
    )
    hearing = timezone.now() + timedelta(days=14)
    services.schedule_hearing(appeal=appealed, by=world.regulator, hearing_at=hearing)
    with pytest.raises(Conflict) as refused:
        workflows.cast_vote(appeal=appealed, by=world.regulator, vote="affirm", reasons="Too early.")
    assert "at or after the hearing" in str(refused.value)
    assert appealed.votes.count() == 0
    hold_hearing(appealed)
    workflows.cast_vote(appeal=appealed, by=world.regulator, vote="affirm", reasons="Heard.")
    with pytest.raises(Conflict):
        services.schedule_hearing(appeal=appealed, by=world.regulator, hearing_at=hearing)
    appealed.refresh_from_db()
    assert appealed.votes.count() == 1 and appealed.hearing_at < timezone.now()
