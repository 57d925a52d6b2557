"""Internal notes on cases (issue 15): staff only, audited, append-only; never shown to the
parties — not on their case page, docket feed, audit trail, API or CSV."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client

from governance.audit.models import AuditEvent
from governance.cases import services
from governance.cases.docket import contest_docket
from governance.cases.models import NOTE_MAX_LENGTH, InternalNote
from governance.compliance import services as compliance
from governance.platform.errors import Invalid, NotAllowed

SECRET = "Adjudicator suspects the logs were edited."


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_note_is_stored_and_audited_with_its_text_and_case(world, contested):
    note = services.add_note(case=contested, by=world.regulator, text=f"  {SECRET}  ")
    assert note.text == SECRET and note.case_type == "cases.contest" and note.case_id == contested.pk
    event = AuditEvent.objects.get(action="case.note")
    assert (event.object_type, event.object_id) == ("cases.contest", str(contested.pk))
    assert event.changes == {"note": [None, note.pk], "text": [None, SECRET]}
    assert event.actor_id == world.regulator.pk and event.organization_id is None


@pytest.mark.parametrize("who", ["regulator", "board", "compliance"])
def test_the_regulators_staff_add_notes(world, contested, who):
    services.add_note(case=contested, by=getattr(world, who), text="Noted.")
    assert InternalNote.objects.count() == 1


@pytest.mark.parametrize("who", ["auditor", "dev_aurora", "evaluator"])
def test_no_one_else_adds_a_note(world, contested, who):
    with pytest.raises(NotAllowed):
        services.add_note(case=contested, by=getattr(world, who), text="Noted.")
    assert not InternalNote.objects.exists() and not AuditEvent.objects.filter(action="case.note").exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * (NOTE_MAX_LENGTH + 1)])
def test_an_empty_or_overlong_note_is_refused_on_its_text(world, contested, text):
    with pytest.raises(Invalid) as refused:
        services.add_note(case=contested, by=world.regulator, text=text)
    assert "text" in refused.value.fields
    assert not InternalNote.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's")
def test_notes_are_append_only_in_the_database(world, contested):
    note = services.add_note(case=contested, by=world.regulator, text="First thought.")
    for statement in (InternalNote.objects.filter(pk=note.pk).update, InternalNote.objects.filter(pk=note.pk).delete):
        with pytest.raises(DatabaseError), transaction.atomic():
            statement(**({"text": "Rewritten."} if statement.__name__ == "update" else {}))
    note.refresh_from_db()
    assert note.text == "First thought."


def test_a_correction_is_a_second_note_and_the_docket_shows_both_to_staff_only(world, contested):
    services.add_note(case=contested, by=world.regulator, text="Hearing on Monday.")
    services.add_note(case=contested, by=world.regulator, text="Correction: Tuesday.")
    staff = [e for e in contest_docket(contested, user=world.auditor).entries if e.internal]
    assert [(e.title, e.details) for e in staff] == [
        ("Internal note", ["Hearing on Monday."]),
        ("Internal note", ["Correction: Tuesday."]),
    ]
    assert not [e for e in contest_docket(contested, user=world.dev_aurora).entries if e.internal]


def test_staff_add_a_note_on_the_case_page_and_see_it_in_the_docket(world, contested):
    world.regulator.first_name, world.regulator.last_name = "Rhea", "Regulator"
    world.regulator.save()
    regulator = _client(world.regulator)
    form = f'action="/contests/{contested.pk}/note/"'
    assert form in regulator.get(f"/contests/{contested.pk}/").content.decode()
    response = regulator.post(f"/contests/{contested.pk}/note/", {"text": SECRET})
    assert response.status_code == 302
    page = regulator.get(f"/contests/{contested.pk}/").content.decode()
    assert SECRET in page and "Internal note" in page and "staff only" in page and "Rhea Regulator" in page
    auditor_page = _client(world.auditor).get(f"/contests/{contested.pk}/").content.decode()
    assert SECRET in auditor_page and form not in auditor_page


def test_the_developers_page_feed_audit_trail_and_csv_never_carry_a_note(world, contested):
    services.add_note(case=contested, by=world.regulator, text=SECRET)
    developer = _client(world.dev_aurora)
    for path in (
        f"/contests/{contested.pk}/",
        f"/contests/{contested.pk}/docket.atom",
        "/audit/",
        "/contests/?export=csv",
    ):
        response = developer.get(path)
        assert response.status_code == 200, path
        body = _body(response)
        assert SECRET not in body and "Internal note" not in body, path
    assert contested.reference in _body(developer.get("/contests/?export=csv"))
    assert SECRET in _client(world.regulator).get(f"/contests/{contested.pk}/docket.atom").content.decode()


def test_a_bad_note_on_the_page_is_400_with_the_text_kept(world, contested):
    long_text = "y" * (NOTE_MAX_LENGTH + 1)
    response = _client(world.regulator).post(f"/contests/{contested.pk}/note/", {"text": long_text})
    assert response.status_code == 400
    page = response.content.decode()
    assert long_text in page and "errorlist" in page
    assert _client(world.regulator).post(f"/contests/{contested.pk}/note/", {"text": " "}).status_code == 400
    assert not InternalNote.objects.exists()


@pytest.mark.parametrize("who, code", [("dev_aurora", 404), ("dev_borealis", 404), ("auditor", 403)])
def test_only_staff_post_a_note_on_the_page(world, contested, who, code):
    response = _client(getattr(world, who)).post(f"/contests/{contested.pk}/note/", {"text": "Mine."})
    assert response.status_code == code
    assert not InternalNote.objects.exists()


def test_notes_on_appeals_and_rereviews_pages(world, appealed):
    rereview = services.open_rereview(model=appealed.contest.model, trigger="own_motion", reason="Check.")
    regulator = _client(world.regulator)
    for path in (f"/appeals/{appealed.pk}/", f"/re-reviews/{rereview.pk}/"):
        assert regulator.post(f"{path}note/", {"text": f"On {path}"}).status_code == 302
        assert f"On {path}" in regulator.get(path).content.decode()
        assert f"On {path}" not in _client(world.dev_aurora).get(path).content.decode()


# ---- the API -------------------------------------------------------------------------------


def _cases(world, appealed):
    model = appealed.contest.model
    rereview = services.open_rereview(model=model, trigger="own_motion", reason="Check.")
    enforcement = compliance.open_enforcement(model=model, kind="warning", reason="Late.", by=world.compliance)
    return {
        "contests": appealed.contest,
        "appeals": appealed,
        "re-reviews": rereview,
        "enforcement-cases": enforcement,
    }


@pytest.mark.parametrize("kind", ["contests", "appeals", "re-reviews", "enforcement-cases"])
def test_api_regulator_creates_and_reads_notes_on_every_kind_of_case(world, api, appealed, kind):
    case = _cases(world, appealed)[kind]
    url = f"/api/v1/{kind}/{case.pk}/notes/"
    created = api(world.regulator).post(url, {"text": SECRET}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["text"] == SECRET and created.json()["author"] == world.regulator.pk
    listed = api(world.auditor).get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["text"] == SECRET
    assert api(world.auditor).post(url, {"text": "Me too."}, format="json").status_code == 403
    for outsider in (world.dev_aurora, world.dev_borealis, world.evaluator):
        assert api(outsider).get(url).status_code == 404
        assert api(outsider).post(url, {"text": "x"}, format="json").status_code == 404
    assert InternalNote.objects.count() == 1
    detail = api(world.dev_aurora).get(f"/api/v1/{kind}/{case.pk}/")
    assert detail.status_code == 200 and SECRET not in detail.content.decode()


@pytest.mark.parametrize("body", [{"text": ""}, {"text": "z" * (NOTE_MAX_LENGTH + 1)}, {}])
def test_api_empty_or_overlong_note_is_400_naming_text(world, api, contested, body):
    response = api(world.regulator).post(f"/api/v1/contests/{contested.pk}/notes/", body, format="json")
    assert response.status_code == 400 and "text" in response.json()
    assert not InternalNote.objects.exists()


def test_api_notes_of_an_unknown_case_are_404(world, api):
    assert api(world.regulator).get("/api/v1/contests/999999/notes/").status_code == 404


def test_api_notes_list_takes_constant_queries(world, api, contested, django_assert_max_num_queries):
    for n in range(5):
        services.add_note(case=contested, by=world.regulator if n % 2 else world.compliance, text=f"Note {n}")
    client = api(world.regulator)
    with django_assert_max_num_queries(6):
        assert client.get(f"/api/v1/contests/{contested.pk}/notes/").json()["count"] == 5
