"""The case API of SPEC section 16: paths, fields, status codes, tenancy, files."""

import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from governance.cases import services
from governance.cases.models import Appeal, CaseFile, Contest
from governance.platform.errors import IllegalTransition
from governance.workflows import cases as workflows
from tests.factories import hold_hearing


def test_contest_lifecycle_over_the_api(world, api):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    determination = model.determinations.get(status="in_force")
    dev, reg = api(world.dev_aurora), api(world.regulator)
    response = dev.post(
        "/api/v1/contests/",
        {"determination": determination.pk, "grounds": "Contaminated.", "requested_tier": 2},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) >= {
        "id",
        "reference",
        "model",
        "determination",
        "state",
        "requested_tier",
        "adjudicator",
        "due_date",
        "outcome",
        "decided_tier",
        "reasons",
    }
    assert body["state"] == "filed" and body["model"] == model.pk
    cid = body["id"]
    assert (
        reg.post(f"/api/v1/contests/{cid}/assign/", {"adjudicator": world.regulator2.pk}).json()["adjudicator"]
        == world.regulator2.pk
    )
    adj = api(world.regulator2)
    paused = adj.post(f"/api/v1/contests/{cid}/request-information/", {"message": "Logs please."}).json()
    assert paused["state"] == "awaiting_information" and paused["clock_paused"] is True
    resumed = dev.post(
        f"/api/v1/contests/{cid}/provide-information/", {"message": "Attached."}, format="multipart"
    ).json()
    assert resumed["state"] == "under_review" and [m["kind"] for m in resumed["messages"]] == ["request", "response"]
    decided = adj.post(f"/api/v1/contests/{cid}/decide/", {"outcome": "varied", "tier": 2, "reasons": "Flawed eval."})
    assert decided.status_code == 200
    assert decided.json()["decided_tier"] == 2
    again = adj.post(f"/api/v1/contests/{cid}/decide/", {"outcome": "upheld", "reasons": "x"})
    assert again.status_code == 409 and "detail" in again.json()

    appeal = dev.post("/api/v1/appeals/", {"contest": cid, "grounds": "Tier 1 is right."}, format="multipart")
    assert appeal.status_code == 201
    aid = appeal.json()["id"]
    panel = reg.post(
        f"/api/v1/appeals/{aid}/assign-panel/",
        {"members": [world.regulator.pk, world.regulator3.pk, world.regulator4.pk], "chair": world.regulator.pk},
        format="json",
    ).json()
    assert panel["state"] == "panel_assigned" and panel["chair"] == world.regulator.pk
    hearing = (timezone.now() + timedelta(days=5)).isoformat()
    assert (
        reg.post(f"/api/v1/appeals/{aid}/schedule-hearing/", {"hearing_at": hearing}).json()["state"]
        == "hearing_scheduled"
    )
    early = api(world.regulator3).post(f"/api/v1/appeals/{aid}/vote/", {"vote": "affirm", "reasons": "Early."})
    assert early.status_code == 409 and "at or after the hearing" in early.json()["detail"]
    hold_hearing(Appeal.objects.get(pk=aid))
    api(world.regulator3).post(
        f"/api/v1/appeals/{aid}/vote/", {"vote": "reverse", "tier": 1, "reasons": "Evidence is low."}
    )
    reg.post(f"/api/v1/appeals/{aid}/vote/", {"vote": "affirm", "reasons": "Keep Tier 2."})
    final = (
        api(world.regulator4)
        .post(f"/api/v1/appeals/{aid}/vote/", {"vote": "reverse", "tier": 1, "reasons": "Agree."})
        .json()
    )
    assert (final["state"], final["outcome"], final["decided_tier"]) == ("decided", "reversed", 1)
    assert [v["vote"] for v in final["dissent"]] == ["affirm"]
    assert len(final["votes"]) == 3


def test_cases_of_other_organisations_are_404(world, api, contested):
    other = api(world.dev_borealis)
    assert other.get(f"/api/v1/contests/{contested.pk}/").status_code == 404
    assert other.post(f"/api/v1/contests/{contested.pk}/withdraw/").status_code == 404
    assert other.get("/api/v1/contests/").json()["count"] == 0
    assert api(world.evaluator).get("/api/v1/contests/").json()["count"] == 0
    assert api(world.auditor).get("/api/v1/contests/").json()["count"] == 1


def test_filing_against_an_invisible_determination_is_400(world, api, contested):
    response = api(world.dev_borealis).post(
        "/api/v1/contests/",
        {"determination": contested.determination_id, "grounds": "g", "requested_tier": 1},
        format="multipart",
    )
    assert response.status_code == 400 and "determination" in response.json()


def test_regulator_cannot_file_and_developer_cannot_assign(world, api, contested):
    response = api(world.regulator).post(
        "/api/v1/contests/",
        {"determination": contested.determination_id, "grounds": "g", "requested_tier": 1},
        format="multipart",
    )
    assert response.status_code == 403
    assert (
        api(world.dev_aurora)
        .post(f"/api/v1/contests/{contested.pk}/assign/", {"adjudicator": world.regulator2.pk})
        .status_code
        == 403
    )


def test_evidence_files_hashed_and_only_visible_to_case_parties(world, api):
    model = world.register("Aster")
    pdf = SimpleUploadedFile("eval.pdf", b"%PDF-1.7 test evidence", content_type="application/pdf")
    response = api(world.dev_aurora).post(
        "/api/v1/contests/",
        {"determination": model.determinations.get().pk, "grounds": "See file.", "requested_tier": 1, "files": [pdf]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    stored = response.json()["files"][0]
    import hashlib

    assert stored["sha256"] == hashlib.sha256(b"%PDF-1.7 test evidence").hexdigest()
    download = api(world.regulator).get(stored["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.7 test evidence"
    assert api(world.dev_borealis).get(stored["download"]).status_code == 404


def test_wrong_type_is_400_and_nothing_is_written(world, api):
    model = world.register("Aster")
    fake = SimpleUploadedFile("eval.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    exe = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    for upload in (fake, exe):
        response = api(world.dev_aurora).post(
            "/api/v1/contests/",
            {"determination": model.determinations.get().pk, "grounds": "g", "requested_tier": 1, "files": [upload]},
            format="multipart",
        )
        assert response.status_code == 400 and "files" in response.json()
    assert Contest.objects.count() == 0 and CaseFile.objects.count() == 0


@override_settings(MAX_UPLOAD_BYTES=10)
def test_oversized_file_is_413(world, api):
    model = world.register("Aster")
    big = SimpleUploadedFile("notes.txt", b"x" * 11, content_type="text/plain")
    response = api(world.dev_aurora).post(
        "/api/v1/contests/",
        {"determination": model.determinations.get().pk, "grounds": "g", "requested_tier": 1, "files": [big]},
        format="multipart",
    )
    assert response.status_code == 413 and "at most 10 bytes" in response.json()["detail"]
    assert Contest.objects.count() == 0


def test_rereviews_api(world, api):
    model = world.register("Aster")
    rereview = services.open_rereview(model=model, trigger="own_motion")
    listing = api(world.dev_aurora).get(f"/api/v1/re-reviews/?model={model.pk}").json()
    assert listing["results"][0]["reference"] == rereview.reference
    assert api(world.dev_aurora).post(f"/api/v1/re-reviews/{rereview.pk}/start/").status_code == 403
    assert api(world.dev_borealis).post(f"/api/v1/re-reviews/{rereview.pk}/start/").status_code == 404
    done = (
        api(world.regulator)
        .post(f"/api/v1/re-reviews/{rereview.pk}/complete/", {"outcome": "no_change", "rationale": "Fine."})
        .json()
    )
    assert (done["state"], done["outcome"]) == ("completed", "no_change")


def test_notifications_inbox(world, api, contested):
    inbox = api(world.regulator).get("/api/v1/notifications/").json()
    assert inbox["unread_count"] >= 1
    first = inbox["results"][0]
    assert api(world.dev_borealis).post(f"/api/v1/notifications/{first['id']}/read/").status_code == 404
    read = api(world.regulator).post(f"/api/v1/notifications/{first['id']}/read/").json()
    assert read["read"] is True
    after = api(world.regulator).get("/api/v1/notifications/?unread=true").json()
    assert after["unread_count"] == inbox["unread_count"] - 1
    assert all(not n["read"] for n in after["results"])


def test_conflict_declarations_api(world, api):
    response = api(world.regulator).post(
        "/api/v1/conflicts/", {"regulator": world.regulator3.pk, "organization": world.aurora.pk, "note": "Ex-employee"}
    )
    assert response.status_code == 201
    assert api(world.dev_aurora).get("/api/v1/conflicts/").json()["count"] == 0
    assert (
        api(world.dev_aurora)
        .post("/api/v1/conflicts/", {"regulator": world.regulator3.pk, "organization": world.aurora.pk})
        .status_code
        == 403
    )
    assert (
        api(world.regulator)
        .post("/api/v1/conflicts/", {"regulator": world.regulator3.pk, "organization": world.aurora.pk})
        .status_code
        == 409
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_regulators_deciding_at_once(world):
    """Exactly one decision wins; the other gets 409; one determination results."""
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    contest = services.file_contest(
        by=world.dev_aurora, determination=model.determinations.get(status="in_force"), grounds="g", requested_tier=2
    )
    contest = services.assign_adjudicator(contest=contest, by=world.regulator, adjudicator=world.regulator2)
    barrier = threading.Barrier(2)
    results = []

    def decide(tier):
        try:
            barrier.wait()
            workflows.decide_contest(contest=contest, by=world.regulator2, outcome="varied", tier=tier, reasons="r")
            results.append("ok")
        except IllegalTransition:
            results.append("409")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(tier,)) for tier in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["409", "ok"]
    assert model.determinations.filter(kind="contest_decision").count() == 1


def test_refusals_on_a_closed_contest_name_who_may_act_before_the_state(world, api, decided):
    """SPEC 15/16: an action the user may see but never take answers 403, whatever the
    case's state; only the one who may act is told the state forbids it (409)."""
    services.declare_conflict(by=world.regulator4, regulator=world.regulator4, organization=world.aurora)
    outsider = api(world.regulator3)  # a regulator, not this contest's adjudicator
    path = f"/api/v1/contests/{decided.pk}"
    for action, body in [
        ("decide", {"outcome": "upheld", "reasons": "Again."}),
        ("request-information", {"message": "More?"}),
    ]:
        response = outsider.post(f"{path}/{action}/", body)
        assert response.status_code == 403, (action, response.json())
        assert "assigned adjudicator" in response.json()["detail"]
    conflicted = api(world.regulator4).post(f"{path}/dismiss/", {"reasons": "Inadmissible."})
    assert conflicted.status_code == 403 and "conflict of interest" in conflicted.json()["detail"]
    again = api(world.regulator2).post(f"{path}/decide/", {"outcome": "upheld", "reasons": "Again."})
    assert again.status_code == 409 and "decided" in again.json()["detail"]
    assert api(world.regulator3).post(f"{path}/dismiss/", {"reasons": "Inadmissible."}).status_code == 409
