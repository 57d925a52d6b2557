"""Personal queues on the dashboards (issue 15): a panel member's appeals awaiting their vote,
re-reviews assigned to a regulator, a developer's open windows; constant queries."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from governance.cases import services
from governance.workflows import cases as workflows
from tests.factories import assigned_contest


def _dashboard(user) -> tuple[str, int]:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        response = client.get("/")
    assert response.status_code == 200
    return response.content.decode(), len(context.captured_queries)


def _section(page: str, marker: str) -> str:
    return page.split(marker, 1)[1].split("</table>", 1)[0]


def test_panel_member_sees_the_appeal_awaiting_their_vote_until_they_vote(world, heard):
    page, _ = _dashboard(world.regulator3)
    assert heard.reference in _section(page, 'id="awaiting-my-vote"')
    assert heard.reference not in _section(_dashboard(world.regulator2)[0], 'id="awaiting-my-vote"')
    workflows.cast_vote(appeal=heard, by=world.regulator3, vote="affirm", reasons="Sound.")
    assert heard.reference not in _section(_dashboard(world.regulator3)[0], 'id="awaiting-my-vote"')


def test_rereviews_assigned_to_me(world):
    model = world.register("Aster")
    rereview = services.open_rereview(model=model, trigger="own_motion", reason="Press reports.")
    services.start_rereview(rereview=rereview, by=world.regulator)
    rereview.refresh_from_db()
    assert rereview.assignee_id == world.regulator.pk
    assert rereview.reference in _section(_dashboard(world.regulator)[0], 'id="my-rereviews"')
    assert rereview.reference not in _section(_dashboard(world.regulator2)[0], 'id="my-rereviews"')


def test_developer_sees_contest_and_appeal_windows_closing(world, decided):
    page, _ = _dashboard(world.dev_aurora)
    windows = page.split('id="windows"', 1)[1].split("</ul>", 1)[0]
    assert f"Appeal</a> {decided.reference}" in windows and "days left" in windows
    assert "Borealis" not in windows
    assert "No contest or appeal window" in _dashboard(world.dev_borealis)[0]


def test_queue_queries_do_not_grow_with_cases(world, heard):
    _, regulator_before = _dashboard(world.regulator3)
    _, developer_before = _dashboard(world.dev_aurora)
    for index in range(3):
        contest = assigned_contest(world, f"Other {index}", adjudicator=world.regulator3)
        rereview = services.open_rereview(model=contest.model, trigger="own_motion", reason="Check.")
        services.start_rereview(rereview=rereview, by=world.regulator3)
    assert _dashboard(world.regulator3)[1] == regulator_before
    assert _dashboard(world.dev_aurora)[1] == developer_before
