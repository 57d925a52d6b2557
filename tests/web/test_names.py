"""People by name, not username (issue 15): case pages, dockets, lists, forms and notices
all name a person through the one helper, ``governance.registry.people.person``."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from governance.cases import services
from governance.notifications.models import Notification
from governance.registry.people import person
from governance.workflows import cases as workflows
from tests.factories import hold_hearing


def _name(user, first: str, last: str) -> None:
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])


def _page(user, path: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, path
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def test_person_is_the_full_name_else_the_username(world):
    assert person(world.regulator) == "regulator"
    _name(world.regulator, "Rhea", "Okafor")
    assert person(world.regulator) == "Rhea Okafor"
    assert person(None) == "system"


def test_contest_appeal_and_rereview_pages_name_the_people(world):
    _name(world.regulator, "Rhea", "Okafor")
    _name(world.regulator2, "Ines", "Adjudicator")
    _name(world.regulator3, "Tomas", "Panellist")
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    contest = services.file_contest(
        by=world.dev_aurora, determination=model.determinations.get(status="in_force"), grounds="G.", requested_tier=2
    )
    contest_page = _page(world.regulator, f"/contests/{contest.pk}/")
    assert ">Ines Adjudicator</option>" in contest_page  # the assign form offers names
    services.assign_adjudicator(contest=contest, by=world.regulator, adjudicator=world.regulator2)
    services.request_information(contest=contest, by=world.regulator2, message="Send logs.")
    contest_page = _page(world.dev_aurora, f"/contests/{contest.pk}/")
    assert "by Ines Adjudicator" in contest_page and "Adjudicator</dt><dd>Ines Adjudicator" in contest_page
    assert "regulator2" not in contest_page
    services.provide_information(contest=contest, by=world.dev_aurora, message="Here.")
    contest = workflows.decide_contest(contest=contest, by=world.regulator2, outcome="upheld", reasons="Stands.")
    appeal = services.file_appeal(by=world.dev_aurora, contest=contest, grounds="Erred.")
    services.assign_panel(
        appeal=appeal,
        by=world.regulator,
        members=[world.regulator, world.regulator3, world.regulator4],
        chair=world.regulator,
    )
    appeal = services.schedule_hearing(appeal=appeal, by=world.regulator, hearing_at=timezone.now() + timedelta(days=7))
    hold_hearing(appeal)
    workflows.cast_vote(appeal=appeal, by=world.regulator3, vote="affirm", reasons="Sound.")
    appeal_page = _page(world.dev_aurora, f"/appeals/{appeal.pk}/")
    assert "Rhea Okafor (chair)" in appeal_page and "<td>Tomas Panellist</td>" in appeal_page
    assert "Panel: Rhea Okafor, Tomas Panellist, regulator4; chair Rhea Okafor" in appeal_page  # the docket
    notice = Notification.objects.filter(recipient=world.dev_aurora, subject__icontains="panel").latest("id")
    assert "Rhea Okafor" in notice.body and "Tomas Panellist" in notice.body

    rereview = services.open_rereview(model=model, trigger="own_motion", reason="Check.")
    services.start_rereview(rereview=rereview, by=world.regulator)
    rereview_page = _page(world.dev_aurora, f"/re-reviews/{rereview.pk}/")
    assert "Assignee</dt><dd>Rhea Okafor" in rereview_page and "Assignee: Rhea Okafor" in rereview_page


def test_work_lists_and_their_csv_name_the_people(world):
    _name(world.regulator2, "Ines", "Adjudicator")
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    contest = services.file_contest(
        by=world.dev_aurora, determination=model.determinations.get(status="in_force"), grounds="G.", requested_tier=2
    )
    services.assign_adjudicator(contest=contest, by=world.regulator, adjudicator=world.regulator2)
    assert "Ines Adjudicator" in _page(world.regulator, "/contests/")
    assert "Ines Adjudicator" in _page(world.regulator, "/contests/?export=csv")


def test_the_header_and_dashboard_name_the_signed_in_person(world):
    world.regulator.first_name, world.regulator.last_name = "Rhea", "Regulator"
    world.regulator.save()
    client = Client()
    client.force_login(world.regulator)
    page = client.get("/").content.decode()
    assert '<li class="user">Rhea Regulator</li>' in page and "Signed in as Rhea Regulator (regulator)" in page
