"""The main journeys end to end in headless Chromium: what each user clicks and reads."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from governance.baselines import services as baselines
from governance.baselines.models import ThresholdSet
from governance.cases.models import Appeal, Contest
from governance.compliance.models import Obligation
from governance.compliance.services import submit_evidence
from tests.conftest import STANDARD_ENTRIES
from tests.factories import hold_hearing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def flash(page):
    return page.locator(".messages")


def test_contest_information_decision_appeal_and_panel_vote(world, tier3, sign_in):
    # The developer files a contest from the dossier.
    developer = sign_in("dev-aurora")
    developer.get_by_role("link", name="Aster 1.0").click()
    expect(developer.locator("h1")).to_have_text("Aster 1.0")
    developer.get_by_text("Contest this tier").click()
    developer.get_by_label("Requested tier").select_option("2")
    developer.get_by_label("Grounds").fill("The bio evaluation was contaminated by training data.")
    developer.get_by_role("button", name="File contest").click()
    expect(flash(developer)).to_contain_text("filed; a decision is due by")
    contest = Contest.objects.get(model=tier3)
    expect(developer.locator("#contest-state")).to_have_text("Filed")

    # A regulator takes the case, asks for information, and the clock pauses.
    regulator = sign_in("regulator")
    expect(regulator.get_by_role("link", name=contest.reference)).to_be_visible()
    regulator.get_by_role("link", name=contest.reference).click()
    regulator.get_by_label("Adjudicator").select_option(label="regulator")
    regulator.get_by_role("button", name="Assign").click()
    expect(regulator.locator("#contest-state")).to_have_text("Under review")
    regulator.get_by_text("Request information").first.click()
    regulator.get_by_label("Message to the applicant").fill("Please send the decontaminated eval logs.")
    regulator.get_by_role("button", name="Request information").click()
    expect(regulator.locator("#contest-state")).to_have_text("Awaiting information")
    expect(regulator.get_by_text("clock paused since")).to_be_visible()

    # The developer sees the request on the dashboard and answers it.
    developer.goto("/")
    developer.get_by_role("link", name=contest.reference).first.click()
    developer.get_by_label("Your response").fill("Logs attached; contamination confirmed.")
    developer.get_by_role("button", name="Send response").click()
    expect(developer.locator("#contest-state")).to_have_text("Under review")

    # The regulator decides: upheld, with reasons.
    regulator.reload()
    regulator.get_by_label("Outcome").select_option("upheld")
    regulator.get_by_label("Reasons").fill("The contamination does not change the bio capability.")
    regulator.get_by_role("button", name="Record decision").click()
    expect(regulator.locator("#contest-state")).to_have_text("Decided")

    # The developer appeals.
    developer.reload()
    developer.get_by_label("Grounds").fill("The adjudicator ignored the contamination evidence.")
    developer.get_by_role("button", name="File appeal").click()
    expect(developer.locator("#appeal-state")).to_have_text("Filed")
    appeal = Appeal.objects.get(contest=contest)

    # A regulator (not the adjudicator) assigns the panel and schedules the hearing.
    clerk = sign_in("regulator2")
    clerk.goto(f"/appeals/{appeal.pk}/")
    clerk.get_by_label("Members").select_option(label=["regulator2", "regulator3", "regulator4"])
    clerk.get_by_label("Chair").select_option(label="regulator3")
    clerk.get_by_role("button", name="Assign panel").click()
    expect(clerk.locator("#appeal-state")).to_have_text("Panel assigned")
    hearing = timezone.localtime() + timedelta(days=7)
    clerk.get_by_label("Hearing at").fill(hearing.strftime("%Y-%m-%dT%H:%M"))
    clerk.get_by_role("button", name="Schedule").click()
    expect(clerk.locator("#appeal-state")).to_have_text("Hearing scheduled")

    # The hearing is held; then the panel votes: the majority reverses, the dissent is kept.
    hold_hearing(appeal)
    for member, vote, reasons in [
        ("regulator2", "reverse", "The evidence was contaminated."),
        ("regulator3", "affirm", "I would affirm: the remaining evidence suffices."),
        ("regulator4", "reverse", "Agree with the reversal."),
    ]:
        page = sign_in(member)
        page.goto(f"/appeals/{appeal.pk}/")
        page.get_by_label("Vote").select_option(vote)
        if vote == "reverse":
            page.get_by_label("Tier").select_option("2")
        page.get_by_label("Reasons").fill(reasons)
        page.get_by_role("button", name="Cast vote").click()
        expect(flash(page)).to_contain_text("Vote recorded")
    expect(page.locator("#appeal-state")).to_have_text("Decided")
    expect(page.get_by_role("cell", name="I would affirm: the remaining evidence suffices.")).to_be_visible()

    developer.goto(f"/models/{tier3.pk}/")
    expect(developer.locator("main .tier-badge").first).to_contain_text("Tier 2")


def test_board_previews_and_publishes_a_threshold_set(world, tier3, sign_in):
    board = sign_in("board")
    board.get_by_role("link", name="Threshold sets").click()
    board.get_by_label("Version").fill("2027.1")
    board.get_by_label("Biological low").fill("0.1000")
    board.get_by_label("Biological high").fill("0.3000")
    board.get_by_label("Biological critical").fill("0.5500")
    board.get_by_role("button", name="Save draft").click()
    expect(board.locator("h1")).to_have_text("Threshold set 2027.1")
    heatmap = board.locator("table.heatmap")
    expect(heatmap).to_be_visible()
    # Drill down into the Tier 3 → Tier 4 cell: the list updates in place.
    heatmap.get_by_role("link", name=re.compile("from Tier 3 to Tier 4")).click()
    expect(board.locator("#changes")).to_contain_text("Models moving from Tier 3 to Tier 4")
    expect(board.locator("#changes")).to_contain_text("Aster 1.0")
    # Adoption by vote (SPEC 22): the board member votes on the page, two colleagues elsewhere.
    board.get_by_label("Adopt").check()
    board.get_by_label("Reasons").fill("The uplift studies justify it.")
    board.get_by_role("button", name="Cast my vote").click()
    expect(flash(board)).to_contain_text("Your vote to adopt 2027.1 is recorded.")
    draft = ThresholdSet.objects.get(version="2027.1")
    baselines.adopt_by_votes(threshold_set=draft, members=[world.board2, world.board3])
    board.reload()
    board.get_by_role("button", name="Publish 2027.1").click()
    expect(flash(board)).to_contain_text("2027.1 published: in force")
    tier3.refresh_from_db()
    assert tier3.current_tier == 4


def test_compliance_officer_reviews_a_submission(world, tier3, sign_in):
    obligation = Obligation.objects.filter(model=tier3).exclude(period_months=None).order_by("id").first()
    submit_evidence(
        by=world.dev_aurora, obligation=obligation, period_end=date.today(), notes="Access audit register Q4."
    )
    due = obligation.next_due
    officer = sign_in("compliance")
    expect(officer.locator("#review-h")).to_be_visible()
    officer.get_by_role("link", name=obligation.kind.replace("_", " ").replace("-", " ")).first.click()
    officer.get_by_label("Outcome").select_option("accepted")
    officer.get_by_label("Notes").fill("Register complete.")
    officer.get_by_role("button", name="Record review").click()
    expect(flash(officer)).to_contain_text("Submission marked accepted")
    obligation.refresh_from_db()
    assert obligation.next_due > due


def test_public_register_filters_without_a_page_reload_and_works_on_a_phone(world, tier3, sign_in):
    world.register("Plain", released=True)
    page = sign_in(None, viewport={"width": 390, "height": 844})
    page.goto("/")
    expect(page).to_have_url(re.compile("/register/$"))
    expect(page.get_by_role("cell", name="Plain 1.0")).to_be_visible()
    page.get_by_label("Tier").select_option("3")
    expect(page.get_by_role("cell", name="Plain 1.0")).to_have_count(0)
    expect(page.get_by_role("cell", name="Aster 1.0")).to_be_visible()
    expect(page).to_have_url(re.compile(r"tier=3"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, "no horizontal scrolling"


def test_consultation_with_comments_response_and_vote(world, tier3, sign_in):
    draft = baselines.create_draft(
        by=world.board, version="2027.5", entries=STANDARD_ENTRIES, rationale="Proposed after new uplift studies."
    )
    board = sign_in("board")
    board.goto(f"/threshold-sets/{draft.pk}/")
    board.get_by_role("button", name="Open a public consultation").click()
    expect(flash(board)).to_contain_text("Consultation open until")

    # A developer reads the proposal and its impact on the public page, and comments.
    developer = sign_in("dev-aurora")
    developer.get_by_role("link", name="Consultations").click()
    proposal = developer.locator("article", has_text="Threshold set 2027.5")
    expect(proposal).to_contain_text("Open for comment")
    expect(proposal).to_contain_text("Proposed after new uplift studies.")
    proposal.get_by_label("Your comment").fill("Please phase the bio threshold in over a quarter.")
    proposal.get_by_role("button", name="Publish comment").click()
    expect(flash(developer)).to_contain_text("Your comment is published.")
    expect(developer.locator("article", has_text="Threshold set 2027.5")).to_contain_text("Aurora Labs")

    # The board closes the consultation, responds, and votes.
    board.reload()
    board.get_by_role("button", name="Close the consultation").click()
    board.get_by_label("The board's response").fill("The bio threshold is phased in over 90 days.")
    board.get_by_role("button", name="Publish the response").click()
    expect(flash(board)).to_contain_text("Response published.")
    board.get_by_label("Adopt").check()
    board.get_by_label("Reasons").fill("The comments are answered.")
    board.get_by_role("button", name="Cast my vote").click()
    expect(board.locator("#votes-h + .table-wrap")).to_contain_text("The comments are answered.")
    for member in ("board2", "board3"):
        colleague = sign_in(member)
        colleague.goto(f"/threshold-sets/{draft.pk}/")
        colleague.get_by_label("Adopt").check()
        colleague.get_by_label("Reasons").fill(f"{member} agrees.")
        colleague.get_by_role("button", name="Cast my vote").click()
        expect(flash(colleague)).to_contain_text("Your vote to adopt 2027.5 is recorded.")
    board.reload()
    expect(board.get_by_text("Adopted: the board may publish it.")).to_be_visible()
    board.get_by_role("button", name="Publish 2027.5").click()
    expect(flash(board)).to_contain_text("2027.5 published")

    developer.goto("/consultations/")
    expect(developer.locator("article", has_text="Threshold set 2027.5")).to_contain_text(
        "The bio threshold is phased in over 90 days."
    )
