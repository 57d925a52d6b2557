"""Every workflow through its web form: the form calls the one service, the page shows the
result, and an illegal or invalid step shows a clear message and changes nothing."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from governance.baselines import services as baselines
from governance.baselines.models import ThresholdSet
from governance.cases.models import Appeal, Contest
from governance.compliance.models import ComplianceSubmission, Obligation
from governance.determinations.models import Determination
from governance.registry.models import AIModel
from tests.conftest import STANDARD_ENTRIES
from tests.factories import hold_hearing

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_contest_and_appeal_from_filing_to_the_panels_majority(world, tier3):
    developer = client_for(world.dev_aurora)
    response = developer.post(
        f"/models/{tier3.pk}/contest/",
        {
            "requested_tier": 2,
            "grounds": "The bio evaluation was contaminated.",
            "files": SimpleUploadedFile("n.txt", b"notes"),
        },
        follow=True,
    )
    contest = Contest.objects.get(model=tier3)
    assert contest.files.count() == 1
    assert any(contest.reference in m and "due" in m for m in messages_of(response))

    regulator = client_for(world.regulator)
    regulator.post(f"/contests/{contest.pk}/assign/", {"adjudicator": world.regulator2.pk})
    adjudicator = client_for(world.regulator2)
    adjudicator.post(f"/contests/{contest.pk}/request-information/", {"message": "Send the eval logs."})
    contest.refresh_from_db()
    assert contest.state == "awaiting_information" and contest.paused_since == timezone.localdate()
    assert "clock paused" in developer.get(f"/contests/{contest.pk}/").content.decode()

    developer.post(f"/contests/{contest.pk}/provide-information/", {"message": "Attached."})
    contest.refresh_from_db()
    assert contest.state == "under_review"

    adjudicator.post(f"/contests/{contest.pk}/decide/", {"outcome": "upheld", "reasons": "The evaluation stands."})
    contest.refresh_from_db()
    assert contest.state == "decided" and contest.outcome == "upheld"

    response = developer.post(f"/contests/{contest.pk}/appeal/", {"grounds": "The adjudicator erred."}, follow=True)
    appeal = Appeal.objects.get(contest=contest)
    assert response.redirect_chain[-1][0] == f"/appeals/{appeal.pk}/"

    panel = [world.regulator, world.regulator3, world.regulator4]
    regulator.post(
        f"/appeals/{appeal.pk}/assign-panel/", {"members": [m.pk for m in panel], "chair": world.regulator.pk}
    )
    hearing = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    regulator.post(f"/appeals/{appeal.pk}/schedule-hearing/", {"hearing_at": hearing})
    appeal.refresh_from_db()
    assert appeal.state == "hearing_scheduled"
    page = client_for(world.regulator).get(f"/appeals/{appeal.pk}/").content.decode()
    assert "Voting opens at the hearing" in page and "Cast vote" not in page
    hold_hearing(appeal)
    assert "Cast vote" in client_for(world.regulator).get(f"/appeals/{appeal.pk}/").content.decode()

    client_for(world.regulator).post(
        f"/appeals/{appeal.pk}/vote/", {"vote": "reverse", "tier": 2, "reasons": "Contaminated."}
    )
    client_for(world.regulator4).post(f"/appeals/{appeal.pk}/vote/", {"vote": "affirm", "reasons": "I would affirm."})
    response = client_for(world.regulator3).post(
        f"/appeals/{appeal.pk}/vote/", {"vote": "reverse", "tier": 2, "reasons": "Agreed."}, follow=True
    )
    appeal.refresh_from_db()
    assert appeal.state == "decided" and appeal.decided_tier == 2
    page = response.content.decode()
    assert "I would affirm." in page, "the dissent is kept and shown"
    tier3.refresh_from_db()
    assert tier3.current_tier == 2


def test_an_illegal_transition_shows_a_message_and_changes_nothing(world, tier3):
    in_force = tier3.determinations.get(status="in_force")
    developer = client_for(world.dev_aurora)
    developer.post(f"/models/{tier3.pk}/contest/", {"requested_tier": 2, "grounds": "No."})
    contest = Contest.objects.get(model=tier3)
    # Deciding before an adjudicator is assigned is illegal.
    response = client_for(world.regulator).post(
        f"/contests/{contest.pk}/decide/",
        {"outcome": "upheld", "reasons": "x"},
        follow=True,
        HTTP_REFERER=f"/contests/{contest.pk}/",
    )
    assert response.status_code == 200
    assert any(m for m in messages_of(response)), "a clear message explains the refusal"
    contest.refresh_from_db()
    assert contest.state == "filed" and contest.outcome == ""
    assert tier3.determinations.get(status="in_force") == in_force


def test_a_developer_cannot_decide_its_own_contest(world, tier3):
    client_for(world.dev_aurora).post(f"/models/{tier3.pk}/contest/", {"requested_tier": 2, "grounds": "No."})
    contest = Contest.objects.get(model=tier3)
    response = client_for(world.dev_aurora).post(f"/contests/{contest.pk}/assign/", {"adjudicator": world.regulator.pk})
    assert response.status_code == 403
    contest.refresh_from_db()
    assert contest.adjudicator_id is None


def test_invalid_form_input_is_explained_and_writes_nothing(world, tier3):
    response = client_for(world.dev_aurora).post(
        f"/models/{tier3.pk}/contest/", {"requested_tier": 9, "grounds": ""}, follow=True
    )
    text = " ".join(messages_of(response))
    assert "Requested tier" in text and "Grounds" in text
    assert not Contest.objects.exists()


def test_a_refused_contest_keeps_what_was_typed_and_names_the_field(world, tier3):
    grounds = "The bio evaluation was contaminated: three items leaked into its training data."
    response = client_for(world.dev_aurora).post(
        f"/models/{tier3.pk}/contest/", {"requested_tier": 9, "grounds": grounds}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert grounds in page, "the grounds are not erased"
    assert "Select a valid choice" in page, "the tier field says what is wrong with it"
    assert not Contest.objects.exists()


def test_register_a_derivative_through_the_form(world, tier3):
    response = client_for(world.dev_borealis).post(
        "/models/new/",
        {
            "name": "Aster-FT",
            "version": "1.0",
            "developer": world.borealis.pk,
            "parent": tier3.pk,
            "derivation": "fine_tune",
            "released": "on",
        },
        follow=True,
    )
    derivative = AIModel.objects.get(name="Aster-FT")
    assert derivative.parent == tier3 and derivative.current_tier == 3, "the parent's tier binds as a floor"
    assert response.redirect_chain[-1][0] == f"/models/{derivative.pk}/"


def test_register_for_another_developer_is_refused_by_the_form(world):
    response = client_for(world.dev_aurora).post(
        "/models/new/", {"name": "Spoof", "version": "1", "developer": world.borealis.pk}
    )
    assert response.status_code == 200 and "developer" in response.context["form"].errors
    assert not AIModel.objects.filter(name="Spoof").exists()


def test_regulator_confirms_a_pending_relaxation(world, tier3):
    result = tier3.evaluations.get()
    client_for(world.regulator).post(f"/evaluations/{result.pk}/withdraw/", {"reason": "Contaminated."})
    pending = tier3.determinations.get(status="pending_confirmation")
    assert client_for(world.dev_aurora).post(f"/determinations/{pending.pk}/confirm/").status_code == 403
    client_for(world.regulator).post(f"/determinations/{pending.pk}/confirm/")
    pending.refresh_from_db()
    assert pending.status == Determination.Status.IN_FORCE
    tier3.refresh_from_db()
    assert tier3.current_tier == pending.tier


def test_board_drafts_previews_and_publishes_a_threshold_set(world, tier3):
    board = client_for(world.board)
    data = {"version": "2027.1", "issuing_body": "Board", "rationale": "Baseline shift."}
    for entry in ("bio", "chem", "cyber", "nuclear", "autonomy"):
        data |= {f"{entry}-low": "0.1000", f"{entry}-high": "0.3000", f"{entry}-critical": "0.5500"}
    data |= {"persuasion-low": "0.3000", "persuasion-high": "0.6000"}
    response = board.post("/threshold-sets/", data, follow=True)
    draft = ThresholdSet.objects.get(version="2027.1")
    page = response.content.decode()
    assert "Impact preview" in page and "1 model would move" in page
    drill = board.get(f"/threshold-sets/{draft.pk}/?from=3&to=4", headers={"HX-Request": "true"}).content.decode()
    assert "Aster" in drill and "<html" not in drill
    assert "Publish 2027.1" not in page  # not adopted yet
    for member in (world.board, world.board2, world.board3):
        client_for(member).post(f"/threshold-sets/{draft.pk}/vote/", {"vote": "adopt", "reasons": "Justified."})
    page = board.get(f"/threshold-sets/{draft.pk}/").content.decode()
    assert "Adopted: the board may publish it." in page and "Publish 2027.1" in page
    board.post(f"/threshold-sets/{draft.pk}/", {"effective_from": ""})
    draft.refresh_from_db()
    assert draft.status == ThresholdSet.Status.IN_FORCE
    tier3.refresh_from_db()
    assert tier3.current_tier == 4, "an escalation comes into force at once"


def test_threshold_draft_with_bad_ordering_is_refused_with_a_message(world):
    data = {"version": "bad"}
    for entry in ("bio", "chem", "cyber", "nuclear", "autonomy"):
        data |= {f"{entry}-low": "0.5000", f"{entry}-high": "0.3000", f"{entry}-critical": "0.9000"}
    data |= {"persuasion-low": "0.3000", "persuasion-high": "0.6000"}
    response = client_for(world.board).post("/threshold-sets/", data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not ThresholdSet.objects.filter(version="bad").exists()


def test_compliance_officer_reviews_a_submission(world, tier3):
    obligation = Obligation.objects.filter(model=tier3).exclude(period_months=None).first()
    due = obligation.next_due
    client_for(world.dev_aurora).post(
        f"/obligations/{obligation.pk}/",
        {
            "period_end": date.today().isoformat(),
            "notes": "Quarterly report.",
            "files": SimpleUploadedFile("r.txt", b"ok"),
        },
    )
    submission = ComplianceSubmission.objects.get(obligation=obligation)
    assert submission.files.count() == 1
    assert (
        client_for(world.dev_aurora).post(f"/submissions/{submission.pk}/review/", {"outcome": "accepted"}).status_code
        == 403
    )
    client_for(world.compliance).post(
        f"/submissions/{submission.pk}/review/", {"outcome": "accepted", "notes": "Fine."}
    )
    submission.refresh_from_db()
    obligation.refresh_from_db()
    assert submission.state == "accepted" and obligation.next_due > due


def test_evaluator_submits_and_imports_results(world, tier3):
    evaluator = client_for(world.evaluator)
    evaluator.post(
        "/evaluations/",
        {
            "form": "submit",
            "model": tier3.pk,
            "benchmark": world.benchmarks["cyber"].pk,
            "raw_score": "0.1500",
            "run_date": "2026-11-01",
        },
    )
    assert tier3.evaluations.filter(benchmark=world.benchmarks["cyber"], status="submitted").exists()
    response = evaluator.post(
        "/evaluations/", {"form": "import", "model": tier3.pk, "file": SimpleUploadedFile("x.json", b"not a log")}
    )
    assert response.status_code == 400 and response.context["import_form"].errors["file"]


def test_board_runs_a_consultation_through_the_pages(world, tier3):
    draft = baselines.create_draft(by=world.board, version="2027.2", entries=STANDARD_ENTRIES, rationale="Proposal.")
    board = client_for(world.board)
    board.post(f"/threshold-sets/{draft.pk}/open-consultation/", {"closes_at": ""})
    draft.refresh_from_db()
    assert draft.status == "consultation"
    public = Client().get("/consultations/").content.decode()
    assert "Threshold set 2027.2" in public and "Open for comment" in public and "Sign in" in public
    client_for(world.dev_aurora).post("/consultations/", {"threshold_set": draft.pk, "body": "Phase it in, please."})
    public = Client().get("/consultations/").content.decode()
    assert "Phase it in, please." in public and "Aurora Labs" in public
    board.post(f"/threshold-sets/{draft.pk}/close-consultation/")
    board.post(f"/threshold-sets/{draft.pk}/response/", {"text": "We will phase it in."})
    for member in (world.board, world.board2):
        client_for(member).post(f"/threshold-sets/{draft.pk}/vote/", {"vote": "adopt", "reasons": "Sound."})
    client_for(world.board3).post(f"/threshold-sets/{draft.pk}/vote/", {"vote": "reject", "reasons": "Too soon."})
    again = client_for(world.board3).post(f"/threshold-sets/{draft.pk}/vote/", {"vote": "adopt", "reasons": "x"})
    assert again.status_code == 302  # refused with a message, nothing written
    assert draft.votes.count() == 3
    page = board.get(f"/threshold-sets/{draft.pk}/").content.decode()
    assert "We will phase it in." in page and "Too soon." in page and "2 adopt, 1 reject" in page
    assert (
        client_for(world.dev_aurora)
        .post(f"/threshold-sets/{draft.pk}/vote/", {"vote": "adopt", "reasons": "x"})
        .status_code
        == 403
    )
    public = Client().get("/consultations/").content.decode()
    assert "We will phase it in." in public and "Closed" in public


def test_the_public_register_of_evaluators(world):
    page = Client().get("/register/evaluators/").content.decode()
    assert "Meridian Evaluation Institute" in page and "Accredited today" in page
    assert "Backyard Evals" not in page


def test_regulator_grants_suspends_and_revokes_through_the_page(world):
    regulator = client_for(world.regulator)
    today = timezone.localdate()
    bio = world.benchmarks["bio"].domain
    bad = regulator.post(
        "/accreditations/",
        {
            "organization": world.unaccredited.pk,
            "domains": [bio.pk],
            "valid_from": str(today),
            "valid_until": str(today - timedelta(days=1)),
            "reasons": "Pilot.",
        },
    )
    assert bad.status_code == 200 and "valid_until cannot be before valid_from" in bad.content.decode()
    regulator.post(
        "/accreditations/",
        {
            "organization": world.unaccredited.pk,
            "domains": [bio.pk],
            "valid_from": str(today),
            "valid_until": str(today + timedelta(days=90)),
            "reasons": "Pilot.",
        },
    )
    accreditation = world.unaccredited.accreditations.get()
    regulator.post(f"/accreditations/{accreditation.pk}/suspend/", {"reasons": "Staff left."})
    accreditation.refresh_from_db()
    assert accreditation.state == "suspended"
    page = regulator.get("/accreditations/").content.decode()
    assert "Staff left." in page and "Reasons to reinstate" in page
    regulator.post(f"/accreditations/{accreditation.pk}/revoke/", {"reasons": "Fraud.", "void_results": "on"})
    accreditation.refresh_from_db()
    assert (accreditation.state, accreditation.results_void) == ("revoked", True)
    assert client_for(world.dev_aurora).get("/accreditations/").status_code == 403
    public = Client().get("/register/evaluators/").content.decode()
    assert "Backyard Evals" in public and "Fraud." in public


def test_board_takes_a_benchmark_off_the_approved_list_through_the_page(world, tier3):
    bio = world.benchmarks["bio"]
    fields = {"benchmark": bio.pk, f"b{bio.pk}-scale_min": "0", f"b{bio.pk}-scale_max": "1"}
    fields[f"b{bio.pk}-higher_is_more_capable"] = "on"
    refused = client_for(world.board).post("/benchmarks/", fields, follow=True).content.decode()
    assert "Reason" in refused and "This field is required" in refused
    bio.refresh_from_db()
    assert bio.standardized is True
    client_for(world.board).post("/benchmarks/", fields | {f"b{bio.pk}-reason": "Leaked test set."})
    bio.refresh_from_db()
    assert bio.standardized is False
    tier3.refresh_from_db()
    assert tier3.determinations.filter(status="pending_confirmation").exists()
    assert client_for(world.regulator).post("/benchmarks/", fields).status_code == 403
    page = client_for(world.dev_aurora).get("/benchmarks/").content.decode()
    assert "bio_bench" in page and "Record the change" not in page
