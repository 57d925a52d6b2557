"""Continuing compliance (SPEC section 9)."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from governance.cases.models import ReReview
from governance.compliance import services
from governance.compliance.models import ComplianceSubmission, EnforcementCase, Obligation
from governance.notifications.models import Notification
from governance.platform.errors import IllegalTransition, Invalid, NotAllowed
from governance.tiering.calendar import add_months
from governance.workflows.tier_changes import determine_own_motion


@pytest.fixture
def tier3(world):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    return model


def live(model):
    return dict(Obligation.objects.filter(model=model).exclude(status="retired").values_list("kind", "period_months"))


def test_entering_tier_3_creates_its_obligations(world, tier3):
    assert live(tier3) == {
        "institutional_verification": 3,
        "access_register_audit": 3,
        "security_attestation": 12,
        "incident_report": None,
    }
    quarterly = Obligation.objects.get(model=tier3, kind="institutional_verification")
    assert quarterly.next_due == add_months(timezone.localdate(), 3) and quarterly.grace_days == 7


def test_moving_to_tier_4_swaps_obligations_and_leaving_retires_all(world, tier3):
    determine_own_motion(model=tier3, tier=4, rationale="Escalated.", by=world.regulator)
    assert live(tier3) == {
        "api_monitoring_report": 1,
        "no_weights_release_attestation": 3,
        "security_attestation": 6,
        "incident_report": None,
    }
    determine_own_motion(model=tier3, tier=2, rationale="Relaxed after review.", by=world.regulator)
    assert live(tier3) == {}
    # incident_report carried from Tier 3 to 4 unchanged; the other 3 + 4 are retired, kept in history.
    assert Obligation.objects.filter(model=tier3, status="retired").count() == 7


def test_sync_is_idempotent(world, tier3):
    before = list(Obligation.objects.order_by("id").values_list("id", "status"))
    services.sync_obligations(model=tier3, tier=3)
    assert list(Obligation.objects.order_by("id").values_list("id", "status")) == before


def test_submission_review_accepted_advances_one_period(world, tier3):
    obligation = Obligation.objects.get(model=tier3, kind="institutional_verification")
    due = obligation.next_due
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 report")
    submission = services.submit_evidence(by=world.dev_aurora, obligation=obligation, period_end=due, files=[pdf])
    assert submission.files.get().name == "report.pdf"
    assert Notification.objects.filter(event="compliance_submitted", recipient=world.compliance).exists()
    services.review_submission(submission=submission, by=world.compliance, outcome="accepted")
    obligation.refresh_from_db()
    assert obligation.next_due == add_months(due, 3)
    with pytest.raises(IllegalTransition):
        services.review_submission(submission=submission, by=world.compliance, outcome="rejected", notes="x")


def test_deficient_sets_14_day_remediation(world, tier3):
    obligation = Obligation.objects.get(model=tier3, kind="access_register_audit")
    submission = services.submit_evidence(by=world.dev_aurora, obligation=obligation, period_end=obligation.next_due)
    services.review_submission(submission=submission, by=world.compliance, outcome="deficient", notes="Missing rows.")
    obligation.refresh_from_db()
    assert obligation.remediation_due == timezone.localdate() + timedelta(days=14)


def test_who_may_submit_and_review(world, tier3):
    obligation = Obligation.objects.get(model=tier3, kind="access_register_audit")
    for user in (world.dev_borealis, world.regulator, world.compliance):
        with pytest.raises(NotAllowed):
            services.submit_evidence(by=user, obligation=obligation, period_end=date(2027, 1, 1))
    submission = services.submit_evidence(by=world.dev_aurora, obligation=obligation, period_end=date(2027, 1, 1))
    for user in (world.board, world.auditor, world.dev_aurora):
        with pytest.raises(NotAllowed):
            services.review_submission(submission=submission, by=user, outcome="accepted")
    with pytest.raises(Invalid):
        services.review_submission(submission=submission, by=world.regulator, outcome="deficient", notes="")
    services.review_submission(submission=submission, by=world.regulator, outcome="accepted")


def _only(model, kind):
    """Keep one periodic obligation live so the sweep's counts are about it alone."""
    Obligation.objects.filter(model=model).exclude(kind=kind).update(status="retired")
    return Obligation.objects.get(model=model, kind=kind)


def test_sweep_reminds_at_14_and_3_days_once(world, tier3):
    obligation = _only(tier3, "institutional_verification")
    due = obligation.next_due
    assert services.compliance_sweep(today=due - timedelta(days=15))["reminders"] == 0
    assert services.compliance_sweep(today=due - timedelta(days=14))["reminders"] == 1
    assert services.compliance_sweep(today=due - timedelta(days=14))["reminders"] == 0
    assert services.compliance_sweep(today=due - timedelta(days=3))["reminders"] == 1
    kinds = Notification.objects.filter(recipient=world.dev_aurora, event="obligation_due_soon").count()
    assert kinds == 2


def test_overdue_after_grace_then_enforcement_on_second_period(world, tier3):
    obligation = _only(tier3, "institutional_verification")
    due = obligation.next_due
    assert services.compliance_sweep(today=due + timedelta(days=7))["overdue"] == 0, "grace period"
    counts = services.compliance_sweep(today=due + timedelta(days=8))
    assert counts["overdue"] == 1 and counts["enforcement"] == 0
    obligation.refresh_from_db()
    assert obligation.status == "overdue" and obligation.next_due == due, "the missed date is kept"
    assert Notification.objects.filter(event="obligation_overdue", recipient=world.compliance).exists()
    assert services.compliance_sweep(today=due + timedelta(days=8)) == {"reminders": 0, "overdue": 0, "enforcement": 0}
    second = add_months(due, 3) + timedelta(days=8)
    counts = services.compliance_sweep(today=second)
    assert counts["enforcement"] == 1
    case = EnforcementCase.objects.get(obligation=obligation)
    assert case.reference.startswith("EN-") and case.kind == "re_review"
    assert ReReview.objects.filter(model=tier3, trigger="compliance_breach").exists()
    assert services.compliance_sweep(today=second)["enforcement"] == 0


def test_accepted_submission_clears_overdue(world, tier3):
    obligation = Obligation.objects.get(model=tier3, kind="institutional_verification")
    services.compliance_sweep(today=obligation.next_due + timedelta(days=8))
    obligation.refresh_from_db()
    submission = services.submit_evidence(by=world.dev_aurora, obligation=obligation, period_end=obligation.next_due)
    services.review_submission(submission=submission, by=world.compliance, outcome="accepted")
    obligation.refresh_from_db()
    assert obligation.status == "active" and obligation.consecutive_overdue == 0


def test_unremedied_deficiency_opens_enforcement(world, tier3):
    obligation = Obligation.objects.get(model=tier3, kind="security_attestation")
    submission = services.submit_evidence(by=world.dev_aurora, obligation=obligation, period_end=obligation.next_due)
    services.review_submission(submission=submission, by=world.compliance, outcome="deficient", notes="Unsigned.")
    obligation.refresh_from_db()
    assert services.compliance_sweep(today=obligation.remediation_due)["enforcement"] == 0
    assert services.compliance_sweep(today=obligation.remediation_due + timedelta(days=1))["enforcement"] == 1
    assert EnforcementCase.objects.get(obligation=obligation).kind == "warning"


def test_compliance_api(world, api, tier3):
    obligations = api(world.dev_aurora).get(f"/api/v1/obligations/?model={tier3.pk}").json()
    assert obligations["count"] == 4
    assert set(obligations["results"][0]) >= {
        "id",
        "model",
        "kind",
        "period_months",
        "next_due",
        "grace_days",
        "status",
    }
    assert api(world.dev_borealis).get(f"/api/v1/obligations/?model={tier3.pk}").json()["count"] == 0
    quarterly = next(o for o in obligations["results"] if o["kind"] == "access_register_audit")
    response = api(world.dev_aurora).post(
        "/api/v1/compliance-submissions/",
        {
            "obligation": quarterly["id"],
            "period_end": quarterly["next_due"],
            "notes": "Q4 audit",
            "files": [SimpleUploadedFile("audit.csv", b"user,date\na,2026-11-01\n")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    sid = response.json()["id"]
    assert response.json()["state"] == "submitted" and response.json()["files"][0]["name"] == "audit.csv"
    assert (
        api(world.dev_borealis)
        .post(
            "/api/v1/compliance-submissions/",
            {"obligation": quarterly["id"], "period_end": "2027-01-01"},
            format="multipart",
        )
        .status_code
        == 400
    )
    assert (
        api(world.board).post(f"/api/v1/compliance-submissions/{sid}/review/", {"outcome": "accepted"}).status_code
        == 403
    )
    reviewed = api(world.compliance).post(f"/api/v1/compliance-submissions/{sid}/review/", {"outcome": "accepted"})
    assert reviewed.json()["state"] == "accepted"
    assert ComplianceSubmission.objects.get(pk=sid).reviewed_by == world.compliance
    enforcement = api(world.compliance).post(
        "/api/v1/enforcement-cases/", {"model": tier3.pk, "kind": "warning", "reason": "Late audits."}
    )
    assert enforcement.status_code == 201 and enforcement.json()["reference"].startswith("EN-")
    assert (
        api(world.dev_aurora)
        .post("/api/v1/enforcement-cases/", {"model": tier3.pk, "kind": "warning", "reason": "x"})
        .status_code
        == 403
    )
    assert api(world.dev_aurora).get("/api/v1/enforcement-cases/").json()["count"] == 1
    assert api(world.dev_borealis).get("/api/v1/enforcement-cases/").json()["count"] == 0


def test_submission_on_a_retired_obligation_is_reviewed_without_reviving_it(world, api, client, tier3):
    """A tier change retires an obligation while its evidence waits for review: the review
    closes the submission and leaves the obligation retired (no 500, no second live one)."""
    obligation = Obligation.objects.get(model=tier3, kind="institutional_verification")
    due = obligation.next_due
    submission = services.submit_evidence(by=world.dev_aurora, obligation=obligation, period_end=due)
    determine_own_motion(model=tier3, tier=2, rationale="Relaxed after review.", by=world.regulator)
    determine_own_motion(model=tier3, tier=3, rationale="Escalated again.", by=world.regulator)
    assert Obligation.objects.filter(model=tier3, kind="institutional_verification", status="active").count() == 1
    response = api(world.compliance).post(
        f"/api/v1/compliance-submissions/{submission.pk}/review/", {"outcome": "accepted"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "accepted"
    obligation.refresh_from_db()
    assert obligation.status == "retired" and obligation.next_due == due
    deficient = ComplianceSubmission.objects.create(
        obligation=obligation, period_end=due, submitted_by=world.dev_aurora
    )
    client.force_login(world.compliance)
    page = client.post(f"/submissions/{deficient.pk}/review/", {"outcome": "deficient", "notes": "Late."}, follow=True)
    assert page.status_code == 200 and "Submission marked deficient." in page.content.decode()
    assert "retired" in page.content.decode()
    deficient.refresh_from_db()
    obligation.refresh_from_db()
    assert deficient.state == "deficient"
    assert obligation.status == "retired" and obligation.remediation_due is None


def test_overdue_keeps_the_missed_due_date_and_the_dashboard_shows_it(world, client, tier3):
    """The sweep used to advance ``next_due`` on marking overdue, so the dashboard said
    "was due" a date still to come. The missed date stays until evidence for it is accepted."""
    obligation = _only(tier3, "institutional_verification")
    due = obligation.next_due
    services.compliance_sweep(today=due + timedelta(days=8))
    obligation.refresh_from_db()
    assert (obligation.status, obligation.next_due, obligation.consecutive_overdue) == ("overdue", due, 1)
    subject = Notification.objects.filter(event="obligation_overdue", recipient=world.compliance).get().subject
    assert f"was due {due.isoformat()}" in subject
    client.force_login(world.compliance)
    page = client.get("/").content.decode()
    assert f"was due {due:%-d %b %Y}" in page
    assert f"{add_months(due, 3):%-d %b %Y}" not in page
    # Evidence for the missed period, accepted late, moves the due date one period on.
    submission = services.submit_evidence(by=world.dev_aurora, obligation=obligation, period_end=due)
    services.review_submission(submission=submission, by=world.compliance, outcome="accepted")
    obligation.refresh_from_db()
    assert (obligation.status, obligation.next_due, obligation.consecutive_overdue) == (
        "active",
        add_months(due, 3),
        0,
    )


def test_accepting_one_missed_period_leaves_the_next_missed_one_owed(world, tier3):
    obligation = _only(tier3, "institutional_verification")
    start = obligation.next_due
    # As if six months had passed with nothing filed: two quarters missed.
    Obligation.objects.filter(pk=obligation.pk).update(next_due=add_months(timezone.localdate(), -6))
    obligation.refresh_from_db()
    first = obligation.next_due
    assert services.compliance_sweep()["overdue"] == 2
    obligation.refresh_from_db()
    assert (obligation.next_due, obligation.consecutive_overdue) == (first, 2)
    submission = services.submit_evidence(by=world.dev_aurora, obligation=obligation, period_end=first)
    services.review_submission(submission=submission, by=world.compliance, outcome="accepted")
    obligation.refresh_from_db()
    assert (obligation.status, obligation.next_due, obligation.consecutive_overdue) == (
        "overdue",
        add_months(first, 3),
        1,
    )
    assert start > obligation.next_due
