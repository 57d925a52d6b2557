"""Playwright in Debian's headless Chromium (never a downloaded browser), against the live server."""

import os
from collections.abc import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    # The sync Playwright API runs an event loop in this thread; Django's ORM calls made by
    # the test itself stay synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def sign_in(browser, live_server):
    """``sign_in("dev-aurora")`` → a page of a fresh browser context, signed in through the form."""
    from tests.factories import PASSWORD

    contexts = []

    def open_as(username: str | None, *, viewport: dict | None = None):
        context = browser.new_context(base_url=live_server.url, viewport=viewport or {"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        if username:
            page.goto("/accounts/login/")
            page.get_by_label("Username").fill(username)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{live_server.url}/")
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def tier3(world):
    """A registered model whose bio evidence puts it in Tier 3."""
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    model.refresh_from_db()
    return model
