"""A panel member finds the appeal awaiting their vote from the dashboard, reads its docket,
votes, and the queue empties (issue 15). With ``SCREENSHOTS=1`` (``make screenshots``) it
leaves the README's screenshot of the docket; otherwise the picture goes to a temporary folder."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from governance.cases import services
from governance.workflows import cases as workflows
from tests.factories import hold_hearing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_panel_member_finds_the_appeal_awaiting_their_vote(world, tier3, sign_in, tmp_path):
    contest = services.file_contest(
        by=world.dev_aurora,
        determination=tier3.determinations.get(status="in_force"),
        grounds="The bio evaluation was contaminated.",
        requested_tier=2,
    )
    contest = services.assign_adjudicator(contest=contest, by=world.regulator, adjudicator=world.regulator2)
    contest = workflows.decide_contest(contest=contest, by=world.regulator2, outcome="upheld", reasons="It stands.")
    appeal = services.file_appeal(by=world.dev_aurora, contest=contest, grounds="The adjudicator erred.")
    panel = [world.regulator, world.regulator3, world.regulator4]
    services.assign_panel(appeal=appeal, by=world.regulator, members=panel, chair=world.regulator)
    appeal = services.schedule_hearing(appeal=appeal, by=world.regulator, hearing_at=timezone.now() + timedelta(days=7))
    hold_hearing(appeal)

    page = sign_in("regulator3")
    queue = page.locator("#awaiting-my-vote")
    queue.get_by_role("link", name=appeal.reference).click()
    expect(page.locator("h1")).to_have_text(f"Appeal {appeal.reference}")
    docket = page.locator("#docket")
    expect(docket).to_contain_text("Hearing scheduled")
    expect(docket).to_contain_text("days left")
    target = SCREENSHOTS if os.environ.get("SCREENSHOTS") else tmp_path
    docket.screenshot(path=str(target / "docket.png"))

    page.get_by_label("Vote").select_option("affirm")
    page.get_by_label("Reasons").fill("The decision was sound.")
    page.get_by_role("button", name="Cast vote").click()
    expect(page.locator("#docket")).to_contain_text("Vote cast")
    page.goto("/")
    expect(page.locator("#awaiting-my-vote")).to_contain_text("No vote awaits you.")
