"""Issue 15's journeys in a browser: a developer follows a case's docket from the dashboard
(numbered, dated entries, days left, the Atom feed), and a regulator bulk-assigns re-reviews
from the list, which then wait in the assignee's dashboard queue."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from governance.cases import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_developer_follows_their_contest_docket(world, tier3, sign_in):
    world.regulator2.first_name, world.regulator2.last_name = "Ada", "Quill"
    world.regulator2.save()
    contest = services.file_contest(
        by=world.dev_aurora,
        determination=tier3.determinations.get(status="in_force"),
        grounds="The bio evaluation was contaminated.",
        requested_tier=2,
    )
    services.assign_adjudicator(contest=contest, by=world.regulator, adjudicator=world.regulator2)

    page = sign_in("dev-aurora")
    cases = page.locator("section[aria-labelledby=dcases-h]")
    expect(cases).to_contain_text("days left")
    cases.get_by_role("link", name=contest.reference).click()
    expect(page.locator("h1")).to_have_text(f"Contest {contest.reference}")
    entries = page.locator("#docket ol.docket-entries > li")
    expect(entries).to_have_count(2)
    filed_on = timezone.localtime(contest.filed_at).strftime("%-d %b %Y")
    expect(page.locator("#entry-1")).to_contain_text("Contest filed")
    expect(page.locator("#entry-1 time")).to_contain_text(filed_on)
    expect(page.locator("#entry-2")).to_contain_text("Adjudicator assigned")
    expect(page.locator("#entry-2")).to_contain_text("Adjudicator: Ada Quill")
    expect(page.locator("#docket .clock")).to_contain_text("days left")

    feed = page.get_by_role("link", name="Follow this docket (Atom feed)")
    response = page.request.get(feed.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"].startswith("application/atom+xml")
    atom = response.text()
    assert "1. Contest filed" in atom and "2. Adjudicator assigned" in atom and "Ada Quill" in atom


def test_regulator_bulk_assigns_rereviews_and_the_assignee_sees_them_queued(world, sign_in):
    world.regulator2.first_name, world.regulator2.last_name = "Ada", "Quill"
    world.regulator2.save()
    rereviews = [
        services.open_rereview(model=world.register(name), trigger="own_motion", reason="Press reports.")
        for name in ("Aster", "Nimbus", "Orion")
    ]
    chosen = rereviews[:2]

    page = sign_in("regulator")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("Lists").click()
    nav.get_by_role("link", name="Re-reviews").click()
    expect(page.locator("h1")).to_have_text("Re-reviews")
    for rereview in chosen:
        page.locator(f'input[name="select"][value="{rereview.pk}"]').check()
    page.get_by_label("Assign to").select_option(label="Ada Quill")
    page.get_by_role("button", name="Assign the selected re-reviews").click()
    expect(page.locator(".messages")).to_contain_text("2 re-reviews assigned to Ada Quill.")
    rows = page.locator("table.work-list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Ada Quill")

    assignee = sign_in("regulator2")
    queue = assignee.locator("#my-rereviews")
    for rereview in chosen:
        expect(queue.get_by_role("link", name=rereview.reference)).to_be_visible()
    expect(queue).not_to_contain_text(rereviews[2].reference)
    queue.get_by_role("link", name=chosen[0].reference).click()
    expect(assignee.locator("#docket")).to_contain_text("Assignee: Ada Quill")
