"""The audit events of case transitions record what was stored, not what was asked for (issue 15)."""

from datetime import timedelta

from django.utils import timezone

from governance.audit.models import AuditEvent
from governance.cases import services
from governance.cases.models import Contest
from governance.workflows import cases as workflows


def _event(action: str, contest: Contest) -> AuditEvent:
    return AuditEvent.objects.get(action=action, object_id=str(contest.pk))


def test_upheld_decision_logs_the_tier_kept_and_the_reasons(world, under_review):
    # A tier sent with an upheld outcome is not what is stored: the current tier is.
    contest = workflows.decide_contest(
        contest=under_review, by=world.regulator2, outcome="upheld", tier=2, reasons="  The evaluation stands. "
    )
    changes = _event("contest.decide", contest).changes
    assert contest.decided_tier == 3
    assert changes["decided_tier"] == [None, 3]
    assert changes["outcome"] == [None, "upheld"]
    assert changes["reasons"] == [None, "The evaluation stands."]
    assert changes["decided_at"][1] is not None


def test_varied_decision_logs_the_new_tier_and_resulting_determination(world, under_review):
    contest = workflows.decide_contest(
        contest=under_review, by=world.regulator2, outcome="varied", tier=4, reasons="Higher risk."
    )
    changes = _event("contest.decide", contest).changes
    assert changes["decided_tier"] == [None, 4]
    assert changes["resulting_determination"] == [None, contest.resulting_determination_id]


def test_provided_information_logs_the_new_due_date_and_pause(world, under_review):
    contest = services.request_information(contest=under_review, by=world.regulator2, message="Send the logs.")
    Contest.objects.filter(pk=contest.pk).update(paused_since=timezone.localdate() - timedelta(days=5))
    old_due = contest.due_date
    contest = services.provide_information(contest=contest, by=world.dev_aurora, message="Attached.")
    changes = _event("contest.provide_information", contest).changes
    assert changes["due_date"] == [old_due.isoformat(), contest.due_date.isoformat()]
    assert changes["paused_days"] == [0, 5]
    assert changes["paused_since"] == [(timezone.localdate() - timedelta(days=5)).isoformat(), None]


def test_requested_information_logs_the_pause_start(world, under_review):
    contest = services.request_information(contest=under_review, by=world.regulator2, message="Send the logs.")
    changes = _event("contest.request_information", contest).changes
    assert changes["paused_since"] == [None, timezone.localdate().isoformat()]
    assert changes["message"] == [None, "Send the logs."]


def test_a_contest_is_reassigned_audited_and_both_adjudicators_told(world, under_review):
    from governance.notifications.models import Notification

    contest = services.assign_adjudicator(contest=under_review, by=world.regulator, adjudicator=world.regulator3)
    contest.refresh_from_db()
    assert contest.adjudicator == world.regulator3 and contest.state == "under_review"
    event = AuditEvent.objects.filter(action="contest.assign", object_id=str(contest.pk)).order_by("-seq").first()
    assert event.changes["adjudicator"] == [world.regulator2.pk, world.regulator3.pk]
    told = Notification.objects.filter(subject__startswith=f"{contest.reference}: reassigned")
    assert [n.recipient for n in told] == [world.regulator2]
    assert Notification.objects.filter(recipient=world.regulator3, subject__contains="adjudicator reassigned").exists()
