"""In the browser (issue 15): a regulator adds an internal note on a contest and sees it in the
docket; the developer opens the same contest and does not. And an evaluator picks a model by
searching for it instead of typing its id."""

import pytest
from playwright.sync_api import expect

from governance.cases import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Check whether the bio logs were re-run after the patch."


def test_regulator_notes_a_contest_that_the_developer_never_sees(world, tier3, sign_in):
    contest = services.file_contest(
        by=world.dev_aurora,
        determination=tier3.determinations.get(status="in_force"),
        grounds="The bio evaluation was contaminated.",
        requested_tier=2,
    )
    page = sign_in("regulator")
    page.goto(f"/contests/{contest.pk}/")
    page.get_by_text("Add an internal note").click()
    page.get_by_label("Internal note").fill(NOTE)
    page.get_by_role("button", name="Add note").click()
    note = page.locator("#docket .internal-note")
    expect(note).to_contain_text("Internal note")
    expect(note).to_contain_text("staff only")
    expect(note).to_contain_text(NOTE)

    developer = sign_in("dev-aurora")
    developer.goto(f"/contests/{contest.pk}/")
    expect(developer.locator("#docket")).to_contain_text("Contest filed")
    expect(developer.locator("body")).not_to_contain_text(NOTE)
    expect(developer.locator("#docket .internal-note")).to_have_count(0)
    expect(developer.get_by_text("Add an internal note")).to_have_count(0)


def test_evaluator_picks_a_model_by_searching_for_it(world, tier3, sign_in):
    boreal = world.register("Boreal", developer=world.borealis, version="3.0")
    page = sign_in("evaluator")
    page.goto("/evaluations/submit/")
    form = page.locator("form", has=page.locator("#submit_model"))
    form.get_by_placeholder("Search by name, version or developer").fill("borealis")
    picker = page.locator("#submit_model")
    expect(picker.locator("option")).to_have_count(1)
    expect(picker).to_have_value(str(boreal.pk))
    expect(picker.locator("option")).to_have_text("Boreal 3.0 (Borealis AI)")
    form.get_by_label("Benchmark").select_option(label=str(world.benchmarks["cyber"]))
    form.get_by_label("Raw score").fill("0.1500")
    form.get_by_label("Run date").fill("2026-11-01")
    form.get_by_role("button", name="Submit result").click()
    expect(page.locator("body")).to_contain_text("submitted")
    expect(page.locator("#mine-h + .table-wrap")).to_contain_text("Boreal")
