"""Each page's permissions and content: what a user sees, and the 404 for what they may not."""

import re

import pytest
from django.test import Client

from governance.audit.models import AuditEvent
from governance.notifications.models import Notification
from governance.tiering.access import ACCESS_CONDITIONS

pytestmark = pytest.mark.django_db


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def models(world):
    """Aurora's released Tier 3 model, Borealis's unreleased (private) model."""
    public = world.register("Aster", released=True)
    world.evidence(public, "bio", "0.6000")
    private = world.register("Secretive", developer=world.borealis, released=False)
    world.evidence(private, "cyber", "0.9000")
    public.refresh_from_db()
    private.refresh_from_db()
    return public, private


def test_anonymous_home_lands_on_the_register(world):
    response = client_for().get("/")
    assert response.status_code == 302 and response["Location"] == "/register/"


def test_register_lists_released_models_with_access_condition_and_chain_head(world, models):
    body = client_for().get("/register/").content.decode()
    assert "Aster" in body and "Secretive" not in body
    assert "Tier 3" in body and ACCESS_CONDITIONS[3] in body
    assert re.search(r"[0-9a-f]{64}", body), "the audit chain head is shown"
    assert "/api/v1/register.csv" in body and "/api/v1/register.atom" in body


def test_register_filters_by_tier_and_returns_rows_only_to_htmx(world, models):
    world.register("Plain", released=True)
    client = client_for()
    rows = client.get("/register/?tier=3", headers={"HX-Request": "true"}).content.decode()
    assert "Aster" in rows and "Plain" not in rows
    assert "<html" not in rows


def test_register_download_follows_the_live_search_and_filters(world, models):
    """Issue 17, item 12: the export links are inside the htmx target, so a live search or
    filter updates them, and the CSV holds exactly the rows shown."""
    world.register("Asterisk", released=True)
    world.register("Plain", released=True)
    client = client_for()
    rows = client.get("/register/?search=aster&tier=3&page=1", headers={"HX-Request": "true"}).content.decode()
    found = re.search(r'href="(/api/v1/register\.csv[^"]*)"', rows)
    assert found, "the CSV link comes with the rows"
    link = found.group(1).replace("&amp;", "&")
    assert link == "/api/v1/register.csv?search=aster&tier=3", "the page number is not a filter"
    body = b"".join(client.get(link).streaming_content).decode()
    names = [line.split(",")[1] for line in body.strip().splitlines()[1:]]
    assert names == ["Aster"]
    full = client.get("/register/").content.decode()
    assert full.count("/api/v1/register.csv") == 1 and 'href="/api/v1/register.csv"' in full


def test_pages_need_sign_in(world, models):
    public, _ = models
    for path in ("/inbox/", f"/models/{public.pk}/", "/evaluations/", "/threshold-sets/", "/audit/"):
        response = client_for().get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), path


def test_dossier_shows_tier_basis_evidence_and_chart(world, models):
    public, _ = models
    body = client_for(world.dev_aurora).get(f"/models/{public.pk}/").content.decode()
    assert "Tier 3" in body and ACCESS_CONDITIONS[3] in body
    assert "bio: capability 0.6000 is at or above high" in body
    assert "<svg" in body and "Capability per risk domain" in body
    assert "Contest this tier" in body, "the developer may contest its own in-force tier"
    assert "Own-motion determination" not in body


def test_another_organisations_private_dossier_is_404(world, models):
    _, private = models
    assert client_for(world.dev_aurora).get(f"/models/{private.pk}/").status_code == 404
    assert client_for(world.dev_borealis).get(f"/models/{private.pk}/").status_code == 200
    assert client_for(world.regulator).get(f"/models/{private.pk}/").status_code == 200


def test_actions_on_another_organisations_model_are_404_and_change_nothing(world, models):
    _, private = models
    count = private.determinations.count()
    response = client_for(world.dev_aurora).post(
        f"/models/{private.pk}/contest/", {"requested_tier": 1, "grounds": "No."}
    )
    assert response.status_code == 404
    assert private.determinations.count() == count
    assert not private.contests.exists()


def test_regulator_sees_regulator_actions_on_the_dossier(world, models):
    public, _ = models
    body = client_for(world.regulator).get(f"/models/{public.pk}/").content.decode()
    assert "Own-motion determination" in body and "Revalidate now" in body
    assert "Contest this tier" not in body


@pytest.mark.parametrize(
    ("who", "sections"),
    [
        ("regulator", ["My queue", "Relaxations awaiting confirmation", "Open re-reviews"]),
        ("dev_aurora", ["My models", "Information requests", "Obligations due within 30 days"]),
        ("compliance", ["Review queue", "Overdue", "Open enforcement cases"]),
        ("board", ["Threshold board"]),
        ("evaluator", ["Evaluation results"]),
        ("auditor", ["Audit trail and chain verification"]),
    ],
)
def test_each_role_gets_its_dashboard(world, models, who, sections):
    body = client_for(getattr(world, who)).get("/").content.decode()
    for section in sections:
        assert section in body, f"{who} dashboard lacks {section!r}"


def test_developer_dashboard_lists_only_own_models(world, models):
    body = client_for(world.dev_aurora).get("/").content.decode()
    assert "Aster" in body and "Secretive" not in body


def test_audit_trail_is_scoped_for_developers_and_refused_to_evaluators(world, models):
    borealis_events = AuditEvent.objects.filter(organization_id=world.borealis.pk).count()
    assert borealis_events
    body = client_for(world.dev_aurora).get("/audit/").content.decode()
    assert "Verify the chain" not in body
    seqs = {int(s) for s in re.findall(r"<tr><td>(\d+)</td>", body)}
    assert seqs and not seqs & set(
        AuditEvent.objects.filter(organization_id=world.borealis.pk).values_list("seq", flat=True)
    )
    assert client_for(world.evaluator).get("/audit/").status_code == 403


def test_auditor_verifies_the_chain(world, models):
    body = client_for(world.auditor).get("/audit/?verify=1").content.decode()
    assert "The chain is intact" in body


def test_threshold_pages_show_the_heat_map_to_the_board_and_refuse_drafting_to_others(world, models):
    body = client_for(world.board).get(f"/threshold-sets/{world.threshold_set.pk}/").content.decode()
    assert "Impact preview" in body and 'class="heatmap"' in body
    response = client_for(world.dev_aurora).post("/threshold-sets/", {"version": "x"})
    assert response.status_code == 403


def test_inbox_shows_own_notifications_and_marks_read_with_htmx(world, models):
    note = Notification.objects.filter(recipient=world.dev_aurora).first()
    assert note is not None
    client = client_for(world.dev_aurora)
    assert note.subject in client.get("/inbox/").content.decode()
    row = client.post(f"/inbox/{note.pk}/read/", headers={"HX-Request": "true"}).content.decode()
    assert "read" in row and "Mark read" not in row
    note.refresh_from_db()
    assert note.read_at is not None
    other = Notification.objects.filter(recipient=world.dev_borealis).first()
    assert client.post(f"/inbox/{other.pk}/read/").status_code == 404


def test_every_page_sends_a_csp_without_inline_script(world, models):
    public, _ = models
    for user, path in [(None, "/register/"), (world.regulator, f"/models/{public.pk}/"), (world.board, "/")]:
        response = client_for(user).get(path)
        policy = response["Content-Security-Policy"]
        script = next(p for p in policy.split(";") if "script-src" in p or "default-src" in p)
        assert "'unsafe-inline'" not in script
        assert "<script>" not in response.content.decode(), "no inline script"


def test_sign_in_and_password_change(world):
    world.dev_aurora.set_password("old-password-123")
    world.dev_aurora.save()
    client = Client()
    response = client.post("/accounts/login/", {"username": "dev-aurora", "password": "wrong"})
    assert "didn&#x27;t match" in response.content.decode() or "didn't match" in response.content.decode()
    response = client.post("/accounts/login/", {"username": "dev-aurora", "password": "old-password-123"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "old-password-123",
            "new_password1": "a-new-Passw0rd-xyz",
            "new_password2": "a-new-Passw0rd-xyz",
        },
    )
    assert response.status_code == 302
    world.dev_aurora.refresh_from_db()
    assert world.dev_aurora.check_password("a-new-Passw0rd-xyz")
    assert "Sign in" in client.post("/accounts/logout/", follow=True).content.decode()


def test_dossier_lineage_shows_ancestors_and_descendants_but_hides_private_ones(world):
    root = world.register("Root", developer=world.borealis, released=False)
    child = world.register("Child", developer=world.borealis, parent=root, derivation="fine_tune", released=True)
    grandchild = world.register("Grandchild", parent=child, derivation="merge")
    world.register("Great", parent=grandchild, derivation="quantization")
    body = client_for(world.dev_aurora).get(f"/models/{grandchild.pk}/").content.decode()
    lineage = body.split('id="lineage-h"')[1].split("</section>")[0]
    assert "Child 1.0" in lineage and "Great 1.0" in lineage
    assert "Root" not in lineage and "(a model you may not see)" in lineage
    assert lineage.index("(a model you may not see)") < lineage.index("Child 1.0"), "root first"


def test_a_locked_out_sign_in_says_so(world, settings):
    from django.core.cache import cache

    cache.clear()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "dev-aurora", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "dev-aurora", "password": "governance-demo"})
    assert response.status_code == 429
    assert "locked for an hour" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()


def test_a_confirmed_relaxation_no_longer_says_it_waits(world):
    """Issue 17, item 14: the rationale outlives the pending state, so it never says "waiting"."""
    from governance.evidence.services import withdraw_evaluation
    from governance.workflows.tier_changes import confirm_relaxation

    model = world.register("Aster")
    result = world.evidence(model, "bio", "0.6000")
    world.full_evidence(model)
    withdraw_evaluation(evaluation=result, by=world.regulator)
    pending = model.determinations.get(status="pending_confirmation")
    page = client_for(world.dev_aurora).get(f"/models/{model.pk}/").content.decode()
    assert "Waiting for a regulator's confirmation; Tier 3 stays in force meanwhile." in page
    confirm_relaxation(determination=pending, by=world.regulator, reasons="The withdrawn result was the only one.")
    page = client_for(world.dev_aurora).get(f"/models/{model.pk}/").content.decode()
    assert "aiting for a regulator" not in page
    assert "Confirmed by regulator on" in page and "The withdrawn result was the only one." in page


def test_the_derivative_floor_sentence_follows_the_evidence(world):
    parent = world.register("Parent")
    world.evidence(parent, "bio", "0.6000")
    child = world.register("Child", parent=parent, derivation="fine_tune")
    floor = "Until it has complete evidence of its own, this derivative's tier is at least its parent's."
    assert floor in client_for(world.dev_aurora).get(f"/models/{child.pk}/").content.decode()
    world.full_evidence(child)
    page = client_for(world.dev_aurora).get(f"/models/{child.pk}/").content.decode()
    assert floor not in page
    assert "This derivative has complete evidence of its own: its tier follows that evidence" in page


def test_a_tier_4_dossier_never_says_obligations_are_for_tier_3_and_4(world):
    from governance.compliance.models import Obligation

    model = world.register("Closed")
    world.evidence(model, "bio", "0.9000")
    model.refresh_from_db()
    assert model.current_tier == 4
    Obligation.objects.filter(model=model).update(status="retired")
    page = client_for(world.regulator).get(f"/models/{model.pk}/").content.decode()
    assert "they apply to Tier 3 and Tier 4 models" not in page
    assert "No live obligations for this Tier 4 model." in page
    assert client_for(world.evaluator).get(f"/models/{model.pk}/").status_code == 404


def test_a_closed_contest_shows_no_decision_due(world):
    from governance.cases import services as cases

    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    determination = model.determinations.get(status="in_force")
    contest = cases.file_contest(by=world.dev_aurora, determination=determination, grounds="Wrong.", requested_tier=2)
    page = client_for(world.dev_aurora).get(f"/contests/{contest.pk}/").content.decode()
    assert "Decision due" in page
    cases.dismiss_contest(contest=contest, by=world.regulator, reasons="Filed by mistake.")
    page = client_for(world.dev_aurora).get(f"/contests/{contest.pk}/").content.decode()
    assert "Decision due" not in page and "Dismissed on" in page and "no decision is due" in page


@pytest.mark.parametrize(
    "path",
    ["/audit/?object_type=%00", "/audit/?object_type=a%00b&page=2", "/register/?search=%00", "/models/?x%00=1"],
)
def test_a_null_character_in_a_page_address_is_a_clear_400(world, path):
    """Issue 17, item 19: PostgreSQL text holds no NUL; the page says so instead of a 500."""
    response = client_for(world.regulator).get(path)
    assert response.status_code == 400
    assert "null character" in response.content.decode()
