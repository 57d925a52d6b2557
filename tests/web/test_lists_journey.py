"""A regulator finds an overdue obligation through the obligations list and exports it (issue 15)."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from governance.compliance import services
from governance.compliance.models import Obligation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_regulator_filters_the_obligations_list_to_the_overdue_one_and_exports_it(world, sign_in):
    late = world.register("Aster")
    world.evidence(late, "bio", "0.6000")
    on_time = world.register("Birch")
    world.evidence(on_time, "bio", "0.6000")
    missed = Obligation.objects.filter(model=late, status="active").order_by("next_due", "id").first()
    due = timezone.localdate() - timedelta(days=30)
    Obligation.objects.filter(pk=missed.pk).update(next_due=due)  # a date long past, as after a missed period
    services.compliance_sweep()
    missed.refresh_from_db()
    assert missed.status == "overdue"

    page = sign_in("regulator")
    page.goto("/obligations/")
    expect(page.locator("h1")).to_have_text("Obligations")
    for name in ("Aster", "Birch"):
        expect(page.locator("main table").get_by_text(name).first).to_be_visible()

    page.get_by_label("State").select_option("overdue")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**state=overdue**")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Aster")
    expect(rows.first).to_contain_text(due.isoformat())
    expect(page.locator("main table")).not_to_contain_text("Birch")

    with page.expect_download() as download:
        page.get_by_role("link", name="Export these rows as CSV").click()
    content = download.value.path().read_text(encoding="utf-8")
    header, *lines = list(csv.reader(io.StringIO(content)))
    assert len(lines) == 1, content
    row = dict(zip(header, lines[0], strict=True))
    assert "Aster" in row.values() and due.isoformat() in row.values(), row
    assert str(missed.pk) in row.values() and missed.kind in row.values(), row

    page.locator("main table tbody tr").first.get_by_role("link").first.click()
    page.wait_for_url(f"**/obligations/{missed.pk}/")
