"""A regulator finds an overdue obligation through the obligations list and exports it (issue 15)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from governance.compliance.models import Obligation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_regulator_finds_an_overdue_obligation_and_exports_it(world, tier3, sign_in):
    late = Obligation.objects.filter(model=tier3).exclude(status="retired").order_by("id").first()
    due = timezone.localdate() - timedelta(days=20)
    Obligation.objects.filter(pk=late.pk).update(status="overdue", next_due=due)

    page = sign_in("regulator")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("Lists").click()  # two clicks from the dashboard: the menu, then the list
    nav.get_by_role("link", name="Obligations").click()
    expect(page.locator("h1")).to_have_text("Obligations")
    page.get_by_label("State").select_option("overdue")
    page.get_by_label("Due on or before").fill(str(timezone.localdate()))
    page.get_by_role("button", name="Apply filters").click()
    rows = page.locator("table.work-list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(late.kind)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export these rows as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
    assert text[0] == "#,Model,Obligation,Tier,Due,State"
    assert text[1:] == [f"{late.pk},{tier3.name},{late.kind},{late.tier},{due},Overdue"]
