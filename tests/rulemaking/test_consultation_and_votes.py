"""Consultation on a draft threshold set and adoption by a vote of the board (SPEC 22)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from governance.audit.models import AuditEvent
from governance.baselines import services as baselines
from governance.baselines.models import ThresholdSet
from tests.conftest import STANDARD_ENTRIES
from tests.factories import UserFactory


def _draft(world, version="2027.1"):
    return baselines.create_draft(
        by=world.board, version=version, entries=STANDARD_ENTRIES, rationale="Uplift studies moved the baseline."
    )


def _url(threshold_set, action=""):
    return f"/api/v1/threshold-sets/{threshold_set.pk}/{action}"


def _vote(api, user, threshold_set, vote="adopt", reasons="The evidence supports it."):
    return api(user).post(_url(threshold_set, "vote/"), {"vote": vote, "reasons": reasons}, format="json")


def test_a_consultation_runs_from_opening_to_the_boards_response(world, api):
    model = world.register("Aster")
    world.full_evidence(model, {"bio": "0.6000"})
    draft = _draft(world)
    closes_at = timezone.now() + timedelta(days=10)
    response = api(world.board).post(
        _url(draft, "open-consultation/"), {"closes_at": closes_at.isoformat()}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "consultation"
    assert body["consultation"]["comments"] == []
    assert body["consultation"]["response"] is None

    public = api().get("/api/v1/consultations/").json()
    [entry] = public["results"]
    assert entry["version"] == "2027.1"
    assert entry["rationale"] == "Uplift studies moved the baseline."
    assert entry["is_open"] is True
    assert [e["domain"] for e in entry["entries"]] == sorted(e["domain"] for e in STANDARD_ENTRIES)
    assert entry["impact_matrix"]["3"]["3"] == 1  # counts only
    assert "Aster" not in str(entry)

    comment = api(world.dev_aurora).post(_url(draft, "comments/"), {"body": "Please phase it in."}, format="json")
    assert comment.status_code == 201, comment.json()
    assert comment.json()["author"] == "dev-aurora"
    assert comment.json()["organization"] == "Aurora Labs"
    assert api(world.dev_aurora).post(_url(draft, "comments/"), {"body": " "}, format="json").status_code == 400
    assert api().post(_url(draft, "comments/"), {"body": "Anonymous."}, format="json").status_code == 401
    listed = api(world.auditor).get(_url(draft, "comments/")).json()
    assert [c["body"] for c in listed["results"]] == ["Please phase it in."]

    # Not editable, not votable, no response while open.
    assert api(world.board).patch(_url(draft), {"rationale": "Changed."}, format="json").status_code == 409
    assert _vote(api, world.board, draft).status_code == 409
    assert api(world.board).post(_url(draft, "response/"), {"text": "Early."}, format="json").status_code == 409

    assert api(world.dev_aurora).post(_url(draft, "close-consultation/")).status_code == 403
    closed = api(world.board).post(_url(draft, "close-consultation/"))
    assert closed.status_code == 200
    assert closed.json()["status"] == "draft"
    assert closed.json()["consultation"]["closed_at"] is not None
    late = api(world.dev_borealis).post(_url(draft, "comments/"), {"body": "Too late."}, format="json")
    assert late.status_code == 409

    answered = api(world.board).post(_url(draft, "response/"), {"text": "We phase it in over 90 days."}, format="json")
    assert answered.status_code == 200, answered.json()
    assert answered.json()["consultation"]["response"] == "We phase it in over 90 days."
    assert [c["body"] for c in answered.json()["consultation"]["comments"]] == ["Please phase it in."]
    again = api(world.board).post(_url(draft, "response/"), {"text": "Again."}, format="json")
    assert again.status_code == 409
    assert api().get("/api/v1/consultations/").json()["results"][0]["response"] == "We phase it in over 90 days."
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "threshold_set.consultation_opened",
        "consultation.commented",
        "threshold_set.consultation_closed",
        "threshold_set.consultation_response",
    } <= actions


def test_a_consultation_on_a_published_set_is_refused(world, api):
    response = api(world.board).post(_url(world.threshold_set, "open-consultation/"), {}, format="json")
    assert response.status_code == 409
    assert "draft" in response.json()["detail"]
    assert not world.threshold_set.consultations.exists()


def test_a_consultation_closes_in_the_future_and_only_the_board_opens_it(world, api):
    draft = _draft(world)
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    response = api(world.board).post(_url(draft, "open-consultation/"), {"closes_at": past}, format="json")
    assert response.status_code == 400
    assert "closes_at" in response.json()
    assert api(world.regulator).post(_url(draft, "open-consultation/"), {}, format="json").status_code == 403
    draft.refresh_from_db()
    assert draft.status == "draft"
    response = api(world.board).post(_url(draft, "open-consultation/"), {}, format="json")
    closes = parse_datetime(response.json()["consultation"]["closes_at"])
    assert timedelta(days=29, hours=23) < closes - timezone.now() <= timedelta(days=30)  # the default period


def test_the_job_closes_consultations_whose_time_has_passed(world):
    draft = _draft(world)
    baselines.open_consultation(
        by=world.board, threshold_set=draft, impact_matrix={}, closes_at=timezone.now() + timedelta(days=1)
    )
    assert baselines.close_due_consultations() == 0
    assert baselines.close_due_consultations(now=timezone.now() + timedelta(days=2)) == 1
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert baselines.close_due_consultations(now=timezone.now() + timedelta(days=2)) == 0


def test_adoption_needs_three_votes_a_majority_and_the_response(world, api):
    draft = _draft(world)
    baselines.open_consultation(by=world.board, threshold_set=draft, impact_matrix={})
    baselines.close_consultation(by=world.board, threshold_set=draft)
    first = _vote(api, world.board, draft)
    assert first.status_code == 201, first.json()
    assert first.json()["vote"] == "adopt"
    assert first.json()["member"] == world.board.pk
    assert api(world.board).post(_url(draft, "publish/"), {}, format="json").status_code == 409
    assert _vote(api, world.board2, draft, "reject", "Too abrupt.").status_code == 201
    assert _vote(api, world.board3, draft).status_code == 201
    refused = api(world.board).post(_url(draft, "publish/"), {}, format="json")
    assert refused.status_code == 409
    assert "response" in refused.json()["detail"]
    baselines.respond_to_comments(by=world.board, threshold_set=draft, text="No comments were received.")
    detail = api(world.dev_aurora).get(_url(draft)).json()
    assert detail["adopted"] is True
    assert [(v["member_name"], v["vote"]) for v in detail["votes"]] == [
        ("board", "adopt"),
        ("board2", "reject"),
        ("board3", "adopt"),
    ]
    assert detail["votes"][1]["reasons"] == "Too abrupt."
    published = api(world.board).post(_url(draft, "publish/"), {}, format="json")
    assert published.status_code == 200, published.json()
    assert published.json()["status"] == "in_force"
    assert len(published.json()["votes"]) == 3


def test_a_majority_to_reject_keeps_the_set_a_draft(world, api):
    draft = _draft(world)
    _vote(api, world.board, draft)
    _vote(api, world.board2, draft, "reject", "Not justified.")
    _vote(api, world.board3, draft, "reject", "Not justified.")
    refused = api(world.board).post(_url(draft, "publish/"), {}, format="json")
    assert refused.status_code == 409
    assert "majority" in refused.json()["detail"]
    draft.refresh_from_db()
    assert draft.status == ThresholdSet.Status.DRAFT


def test_each_member_votes_once_and_only_the_board_votes(world, api):
    draft = _draft(world)
    assert _vote(api, world.board, draft).status_code == 201
    second = _vote(api, world.board, draft, "reject", "Changed my mind.")
    assert second.status_code == 409
    assert "already voted" in second.json()["detail"]
    assert _vote(api, world.regulator, draft).status_code == 403
    assert _vote(api, world.dev_aurora, draft).status_code == 403
    assert (
        api(world.board2).post(_url(draft, "vote/"), {"vote": "maybe", "reasons": "x"}, format="json").status_code
        == 400
    )
    assert api(world.board2).post(_url(draft, "vote/"), {"vote": "adopt"}, format="json").status_code == 400
    assert draft.votes.count() == 1
    assert api(world.board).patch(_url(draft), {"rationale": "Changed."}, format="json").status_code == 409
    assert _vote(api, world.board2, world.threshold_set).status_code == 409  # a published set


def test_a_fourth_board_member_counts_too(world, api):
    draft = _draft(world)
    fourth = UserFactory(username="board4", roles=["board"])
    for member in (world.board, world.board2, fourth):
        assert _vote(api, member, draft).status_code == 201
    assert api(world.board).post(_url(draft, "publish/"), {}, format="json").status_code == 200


def test_every_default_schedule_names_a_registered_job():
    from celery import current_app

    from governance.platform.schedules import DEFAULT_SCHEDULES

    current_app.loader.import_default_modules()
    assert {task for _, task, _ in DEFAULT_SCHEDULES} <= set(current_app.tasks)
