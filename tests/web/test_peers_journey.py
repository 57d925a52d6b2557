"""SPEC 23 in headless Chromium: a regulator registers a peer, uploads its register, and
reads the divergence page; the public register shows the peer's tier."""

import pytest
from playwright.sync_api import expect

from governance.cases.models import ReReview

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_regulator_reads_a_peer_register_and_finds_the_divergence(world, tier3, sign_in, tmp_path):
    csv = tmp_path / "register.csv"
    csv.write_text(f"id,name,version,developer,current_tier\n1,{tier3.name},{tier3.version},Aurora Labs,4\n")
    regulator = sign_in("regulator")
    regulator.get_by_role("link", name="Peers").click()
    expect(regulator.locator("h1")).to_have_text("Divergences from peer registers")
    expect(regulator.locator("main")).to_contain_text("No divergences.")
    regulator.goto("/peers/")
    regulator.get_by_label("Name").fill("Japan AI Safety Office")
    regulator.get_by_label("Jurisdiction").fill("JP")
    regulator.get_by_role("button", name="Register peer").click()
    expect(regulator.locator(".messages")).to_contain_text("Japan AI Safety Office (JP) registered.")
    regulator.locator("input[type=file]").set_input_files(str(csv))
    regulator.get_by_role("button", name="Upload CSV").click()
    expect(regulator.locator(".messages")).to_contain_text("1 entries read.")
    regulator.get_by_role("link", name="Divergences").click()
    row = regulator.locator("tbody tr").first
    expect(row).to_contain_text("Aster 1.0")
    expect(row).to_contain_text("Japan AI Safety Office (JP)")
    expect(row).to_contain_text("peer is stricter")
    assert ReReview.objects.filter(model=tier3, trigger="peer_divergence").exists()

    public = sign_in(None)
    public.goto("/register/")
    expect(public.locator("tbody")).to_contain_text("JP: Tier 4")
