"""The docket on every case page (issue 15): numbered, dated entries from the audit trail,
with names, documents and clocks; staff-only entries hidden from developers; constant queries."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.cases import services
from governance.cases.docket import appeal_docket, contest_docket, rereview_docket
from governance.cases.models import Contest
from governance.workflows import cases as workflows


def _page(user, path: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def _named(user, first: str, last: str) -> None:
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])


def test_contest_docket_lists_each_step_with_names_documents_and_clocks(world, under_review):
    _named(world.regulator2, "Ines", "Adjudicator")
    contest = services.request_information(contest=under_review, by=world.regulator2, message="Send the logs.")
    docket = contest_docket(contest, user=world.dev_aurora)
    assert docket.clocks[0].paused_since == timezone.localdate() and docket.clocks[0].days_left is None
    logs = SimpleUploadedFile("logs.pdf", b"%PDF-1.7 logs", content_type="application/pdf")
    contest = services.provide_information(contest=contest, by=world.dev_aurora, message="Attached.", files=[logs])
    contest = workflows.decide_contest(contest=contest, by=world.regulator2, outcome="upheld", reasons="It stands.")
    docket = contest_docket(contest, user=world.dev_aurora)
    titles = [e.title for e in docket.entries]
    assert titles == [
        "Contest filed",
        "Adjudicator assigned",
        "Information requested",
        "Information provided",
        "Decided",
    ]
    assert [e.number for e in docket.entries] == [1, 2, 3, 4, 5]
    assert "Adjudicator: Ines Adjudicator" in docket.entries[1].details
    assert docket.entries[2].author == "Ines Adjudicator"
    assert [f.name for f in docket.entries[3].documents] == ["logs.pdf"]
    assert "Outcome: upheld, Tier 3" in docket.entries[4].details
    today = timezone.localdate()
    assert docket.decided_on == today
    assert docket.appeal_by is not None and docket.clocks[0].label == "Appeal by"
    assert docket.clocks[0].days_left == (docket.appeal_by - today).days

    page = _page(world.dev_aurora, f"/contests/{contest.pk}/")
    assert 'id="docket"' in page and "logs.pdf" in page and "Ines Adjudicator" in page
    assert f"{(docket.appeal_by - today).days} days left" in page


def test_running_contest_clock_shows_days_left(world, under_review):
    page = _page(world.dev_aurora, f"/contests/{under_review.pk}/")
    days = (under_review.due_date - timezone.localdate()).days
    assert f"{days} days left" in page


def test_appeal_docket_records_panel_hearing_and_each_vote(world, heard):
    workflows.cast_vote(appeal=heard, by=world.regulator3, vote="affirm", reasons="Sound decision.")
    docket = appeal_docket(heard, user=world.dev_aurora)
    titles = [e.title for e in docket.entries]
    assert titles[:3] == ["Appealed", "Panel assigned", "Hearing scheduled"]
    assert titles.count("Vote cast") == 1
    assert docket.entries[2].details[0].startswith("Hearing on ")
    assert docket.clocks and docket.clocks[0].label == "Decision due"
    contest_titles = [e.title for e in contest_docket(heard.contest, user=world.dev_aurora).entries]
    assert contest_titles[-1] == "Appealed"
    assert "Hearing scheduled" in _page(world.dev_aurora, f"/appeals/{heard.pk}/")


def test_rereview_docket(world):
    model = world.register("Aster")
    rereview = services.open_rereview(model=model, trigger="own_motion", reason="Press reports.")
    rereview = services.start_rereview(rereview=rereview, by=world.regulator)
    docket = rereview_docket(rereview, user=world.regulator)
    assert [e.title for e in docket.entries] == ["Re-review opened", "Re-review started"]
    assert "Re-review started" in _page(world.regulator, f"/re-reviews/{rereview.pk}/")


def test_developers_never_see_staff_only_entries(world, under_review):
    services.case_deadline_sweep(today=under_review.due_date + timedelta(days=1))
    assert Contest.objects.get(pk=under_review.pk).overdue
    staff = [e.title for e in contest_docket(under_review, user=world.regulator).entries]
    developer = [e.title for e in contest_docket(under_review, user=world.dev_aurora).entries]
    assert "Decision overdue" in staff and "Decision overdue" not in developer
    assert "Decision overdue" not in _page(world.dev_aurora, f"/contests/{under_review.pk}/").split('id="docket"')[1]


def _count(user, path: str) -> int:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        assert client.get(path).status_code == 200
    return len(context.captured_queries)


def _exchange(world, contest: Contest, n: int) -> Contest:
    contest = services.request_information(contest=contest, by=world.regulator2, message=f"More {n}.")
    upload = SimpleUploadedFile(f"f{n}.pdf", b"%PDF-1.7 x", content_type="application/pdf")
    return services.provide_information(contest=contest, by=world.dev_aurora, message="Here.", files=[upload])


def test_docket_queries_do_not_grow_with_the_case(world, under_review):
    path = f"/contests/{under_review.pk}/"
    contest = _exchange(world, under_review, 0)
    before = _count(world.dev_aurora, path)
    for n in range(1, 4):
        contest = _exchange(world, contest, n)
    assert _count(world.dev_aurora, path) == before


def test_atom_feed_of_the_docket_for_parties_and_staff_only(world, under_review):
    path = f"/contests/{under_review.pk}/docket.atom"
    assert path in _page(world.dev_aurora, f"/contests/{under_review.pk}/")
    for user in (world.dev_aurora, world.regulator):
        client = Client()
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
        body = response.content.decode()
        assert "2. Adjudicator assigned" in body and "1. Contest filed" in body
    outsider = Client()
    outsider.force_login(world.dev_borealis)
    assert outsider.get(path).status_code == 404
    assert Client().get(path).status_code == 404


def test_appeal_and_rereview_feeds(world, appealed):
    client = Client()
    client.force_login(world.dev_aurora)
    assert "1. Appealed" in client.get(f"/appeals/{appealed.pk}/docket.atom").content.decode()
    model = world.register("Aster-2")
    rereview = services.open_rereview(model=model, trigger="own_motion", reason="Press reports.")
    assert "1. Re-review opened" in client.get(f"/re-reviews/{rereview.pk}/docket.atom").content.decode()
