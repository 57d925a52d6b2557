"""Contests (SPEC section 5): every legal and illegal transition, the window, recusal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.cases import services
from governance.cases.models import ConflictOfInterest, Contest
from governance.determinations.models import Determination
from governance.notifications.models import Notification
from governance.platform.errors import Conflict, IllegalTransition, Invalid, NotAllowed
from governance.workflows import cases as workflows


def test_filing_gives_reference_due_date_and_notifies(world, contested):
    year = timezone.localdate().year
    assert contested.reference == f"CT-{year}-00001"
    assert contested.state == "filed"
    assert contested.due_date == timezone.localdate() + timedelta(days=60)
    assert Notification.objects.filter(event="contest_filed", recipient=world.regulator).exists()
    assert AuditEvent.objects.filter(action="contest.filed", object_id=str(contested.pk)).exists()


def test_references_are_sequential(world, contested):
    other = world.register("Borealis-1", developer=world.borealis)
    second = services.file_contest(
        by=world.dev_borealis,
        determination=other.determinations.get(status="in_force"),
        grounds="g",
        requested_tier=1,
    )
    assert second.reference.endswith("-00002")


def test_only_the_developer_organisation_may_contest(world):
    model = world.register("Aster")
    determination = model.determinations.get()
    for user in (world.dev_borealis, world.regulator, world.evaluator, world.compliance):
        with pytest.raises(NotAllowed):
            services.file_contest(by=user, determination=determination, grounds="g", requested_tier=1)
    assert Contest.objects.count() == 0


@pytest.mark.parametrize(
    "grounds, tier, field",
    [("", 1, "grounds"), ("  ", 1, "grounds"), ("g", 2, "requested_tier"), ("g", 5, "requested_tier")],
)
def test_admissibility_fields(world, grounds, tier, field):
    model = world.register("Aster")
    with pytest.raises(Invalid) as error:
        services.file_contest(
            by=world.dev_aurora, determination=model.determinations.get(), grounds=grounds, requested_tier=tier
        )
    assert field in error.value.fields
    assert Contest.objects.count() == 0


def test_window_is_30_days(world):
    model = world.register("Aster")
    determination = model.determinations.get()
    opened = timezone.now() - timedelta(days=30)
    Determination.objects.filter(pk=determination.pk).update(effective_from=opened)
    determination.refresh_from_db()
    services.file_contest(by=world.dev_aurora, determination=determination, grounds="g", requested_tier=1)

    other = world.register("Late")
    late = other.determinations.get()
    Determination.objects.filter(pk=late.pk).update(effective_from=timezone.now() - timedelta(days=31))
    late.refresh_from_db()
    with pytest.raises(Conflict, match="window closed"):
        services.file_contest(by=world.dev_aurora, determination=late, grounds="g", requested_tier=1)


def test_one_open_contest_per_determination(world, contested):
    with pytest.raises(Conflict, match="already has an open contest"):
        services.file_contest(
            by=world.dev_aurora, determination=contested.determination, grounds="again", requested_tier=1
        )


def test_superseded_determination_cannot_be_contested(world):
    model = world.register("Aster")
    initial = model.determinations.get()
    world.evidence(model, "bio", "0.6000")
    initial.refresh_from_db()
    with pytest.raises(Conflict, match="in force"):
        services.file_contest(by=world.dev_aurora, determination=initial, grounds="g", requested_tier=1)


def test_adjudicator_must_be_free_of_conflict(world, contested):
    ConflictOfInterest.objects.create(regulator=world.regulator2, organization=world.aurora)
    with pytest.raises(Invalid):
        services.assign_adjudicator(contest=contested, by=world.regulator, adjudicator=world.regulator2)
    with pytest.raises(Invalid):
        services.assign_adjudicator(contest=contested, by=world.regulator, adjudicator=world.dev_aurora)
    with pytest.raises(Invalid):
        services.assign_adjudicator(contest=contested, by=world.regulator, adjudicator=world.compliance)
    with pytest.raises(NotAllowed):
        services.assign_adjudicator(contest=contested, by=world.dev_aurora, adjudicator=world.regulator3)
    contested.refresh_from_db()
    assert contested.state == "filed" and contested.adjudicator is None


def test_only_the_assigned_adjudicator_decides(world, under_review):
    with pytest.raises(NotAllowed):
        workflows.decide_contest(contest=under_review, by=world.regulator3, outcome="upheld", reasons="r")
    with pytest.raises(NotAllowed):
        services.request_information(contest=under_review, by=world.regulator, message="m")


def test_varied_decision_creates_contest_decision_in_force(world, under_review):
    contest = workflows.decide_contest(
        contest=under_review, by=world.regulator2, outcome="varied", tier=2, reasons="Contaminated evaluation."
    )
    assert (contest.state, contest.outcome, contest.decided_tier) == ("decided", "varied", 2)
    in_force = contest.model.determinations.get(status="in_force")
    assert in_force.kind == "contest_decision" and in_force.tier == 2 and in_force.decided_by == world.regulator2
    assert contest.resulting_determination == in_force
    assert Notification.objects.filter(event="contest_decided", recipient=world.dev_aurora).exists()


@pytest.mark.parametrize(
    "outcome, tier, reasons, field",
    [
        ("varied", None, "r", "tier"),
        ("varied", 3, "r", "tier"),
        ("upheld", None, "", "reasons"),
        ("maybe", None, "r", "outcome"),
    ],
)
def test_decision_input(world, under_review, outcome, tier, reasons, field):
    with pytest.raises(Invalid) as error:
        workflows.decide_contest(contest=under_review, by=world.regulator2, outcome=outcome, tier=tier, reasons=reasons)
    assert field in error.value.fields
    under_review.refresh_from_db()
    assert under_review.state == "under_review"


def test_upheld_decision_leaves_the_determination(world, decided):
    assert decided.outcome == "upheld" and decided.decided_tier == 3
    assert decided.model.determinations.get(status="in_force").kind == "revalidation"


def test_clock_pauses_while_awaiting_information(world, under_review):
    filed_on = timezone.localdate(under_review.filed_at)
    contest = services.request_information(contest=under_review, by=world.regulator2, message="Send the eval logs.")
    assert contest.state == "awaiting_information" and contest.paused_since == timezone.localdate()
    # Five days pass while the applicant prepares the answer.
    Contest.objects.filter(pk=contest.pk).update(paused_since=timezone.localdate() - timedelta(days=5))
    contest = services.provide_information(contest=contest, by=world.dev_aurora, message="Attached.")
    assert contest.state == "under_review"
    assert contest.paused_days == 5
    assert contest.due_date == filed_on + timedelta(days=65)
    assert list(contest.messages.values_list("kind", flat=True)) == ["request", "response"]


def test_clock_pauses_accumulate(world, under_review):
    filed_on = timezone.localdate(under_review.filed_at)
    contest = under_review
    for days in (3, 4):
        contest = services.request_information(contest=contest, by=world.regulator2, message="More.")
        Contest.objects.filter(pk=contest.pk).update(paused_since=timezone.localdate() - timedelta(days=days))
        contest = services.provide_information(contest=contest, by=world.dev_aurora, message="Here.")
    assert contest.due_date == filed_on + timedelta(days=67)


CONTEST_ACTIONS = {
    "assign": lambda w, c: services.assign_adjudicator(contest=c, by=w.regulator, adjudicator=w.regulator2),
    "request_information": lambda w, c: services.request_information(contest=c, by=w.regulator2, message="m"),
    "provide_information": lambda w, c: services.provide_information(contest=c, by=w.dev_aurora, message="m"),
    "decide": lambda w, c: workflows.decide_contest(contest=c, by=w.regulator2, outcome="upheld", reasons="r"),
    "dismiss": lambda w, c: services.dismiss_contest(contest=c, by=w.regulator, reasons="Out of time."),
    "withdraw": lambda w, c: services.withdraw_contest(contest=c, by=w.dev_aurora),
}
LEGAL = {
    "filed": {"assign", "dismiss", "withdraw"},
    "under_review": {"assign", "request_information", "decide", "withdraw"},
    "awaiting_information": {"provide_information", "withdraw"},
    "decided": set(),
    "dismissed": set(),
    "withdrawn": set(),
}


def _contest_in(world, state: str) -> Contest:
    model = world.register(f"M-{state}")
    contest = services.file_contest(
        by=world.dev_aurora, determination=model.determinations.get(), grounds="g", requested_tier=1
    )
    path = {
        "filed": [],
        "under_review": ["assign"],
        "awaiting_information": ["assign", "request_information"],
        "decided": ["assign", "decide"],
        "dismissed": ["dismiss"],
        "withdrawn": ["withdraw"],
    }[state]
    for step in path:
        contest = CONTEST_ACTIONS[step](world, contest)
    return contest


@pytest.mark.parametrize("state", list(LEGAL))
@pytest.mark.parametrize("action", list(CONTEST_ACTIONS))
def test_contest_transition_table(world, state, action):
    contest = _contest_in(world, state)
    events = AuditEvent.objects.count()
    if action in LEGAL[state]:
        CONTEST_ACTIONS[action](world, contest)
        assert AuditEvent.objects.count() > events
    else:
        with pytest.raises(IllegalTransition):
            CONTEST_ACTIONS[action](world, contest)
        contest.refresh_from_db()
        assert contest.state == state
        assert AuditEvent.objects.count() == events
