"""The main pages on the demo data, in headless Chromium: each renders with no console
error (a CSP violation is one) and, under `make screenshots`, is saved to docs/screenshots/."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from governance.baselines.models import ThresholdSet
from governance.cases.models import Appeal, Contest
from governance.registry.models import AIModel
from tests.conftest import restore_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def demo(db):
    restore_reference_data()
    call_command("seed_demo", force=True, verbosity=0)


def pages() -> list[tuple[str, str | None, str, dict | None]]:
    """(file name, user, path, viewport) for each page worth showing."""
    dossier = AIModel.objects.filter(current_tier=3, parent__isnull=True).order_by("id").first()
    appeal = Appeal.objects.filter(state="decided").order_by("id").first() or Appeal.objects.order_by("id").first()
    contest = Contest.objects.filter(state="awaiting_information").order_by("id").first()
    draft = (
        ThresholdSet.objects.filter(status="draft").order_by("id").first()
        or ThresholdSet.objects.order_by("-id").first()
    )
    adopted = ThresholdSet.objects.filter(votes__isnull=False, consultations__isnull=False).order_by("id").first()
    return [
        ("register", None, "/register/", None),
        ("consultations", None, "/consultations/", None),
        ("evaluators", None, "/register/evaluators/", None),
        ("threshold-adoption", "board", f"/threshold-sets/{adopted.pk}/", None),
        ("register-phone", None, "/register/", {"width": 390, "height": 844}),
        ("regulator-dashboard", "regulator", "/", None),
        ("dossier", "regulator", f"/models/{dossier.pk}/", None),
        ("contest", "regulator2", f"/contests/{contest.pk}/", None),
        ("appeal", "regulator", f"/appeals/{appeal.pk}/", None),
        ("developer-dashboard", "dev-aurora", "/", None),
        ("threshold-board", "board", f"/threshold-sets/{draft.pk}/", None),
        ("compliance-dashboard", "compliance", "/", None),
        ("audit", "auditor", "/audit/?verify=1", None),
        ("api-docs", "regulator", "/api/docs/", None),
        ("access-queue", "dev-aurora", "/access/queue/", None),
        ("my-access", "researcher", "/access/", None),
        ("access-institution", "institution", "/access/institution/", None),
        ("access-register", "compliance", "/access/register/", None),
        ("divergences", "regulator", "/divergences/", None),
        ("peers", "regulator", "/peers/", None),
        ("list-obligations", "regulator", "/obligations/?state=overdue&ordering=next_due", None),
        ("list-submissions", "compliance", "/submissions/", None),
        ("list-enforcement", "dev-aurora", "/enforcement/", None),
        ("list-models", "regulator", "/models/?released=false", None),
        ("list-evaluations", "regulator", "/evaluations/?state=submitted", None),
    ]


def test_main_pages_render_cleanly(demo, sign_in, tmp_path):
    target = DOCS if os.environ.get("SCREENSHOTS") else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    for name, user, path, viewport in pages():
        page = sign_in(user, viewport=viewport)
        errors: list[str] = []
        page.on("console", lambda message, errors=errors: message.type == "error" and errors.append(message.text))
        response = page.goto(path)
        assert response.status == 200, f"{name}: {response.status}"
        page.wait_for_load_state("networkidle")
        assert not errors, f"{name}: console errors {errors}"
        page.screenshot(path=str(target / f"{name}.png"), full_page=name != "api-docs")
        assert (target / f"{name}.png").stat().st_size > 10_000
