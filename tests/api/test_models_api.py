import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from governance.audit.models import AuditEvent
from governance.determinations.models import Determination
from governance.evidence import services as evidence
from governance.registry.models import AIModel
from tests.factories import EvaluatorOrgFactory, UserFactory


def test_token_auth_and_me(world, client):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "dev-aurora", "password": "governance-demo"},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").json()
    assert me["username"] == "dev-aurora"
    assert me["roles"] == ["developer"]
    assert me["organization"]["name"] == "Aurora Labs"


def test_a_password_change_revokes_the_users_tokens(world, client):
    """Issue 17, item 23: a token made with the old password stops working on any change."""
    from governance.audit.models import AuditEvent

    def token() -> str:
        return client.post(
            "/api/v1/auth/token/", {"username": "dev-aurora", "password": password}, content_type="application/json"
        ).json()["token"]

    password = "governance-demo"
    old = token()
    client.force_login(world.dev_aurora)
    response = client.post(
        "/accounts/password_change/",
        {"old_password": password, "new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 302, response.content
    client.logout()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {old}").status_code == 401
    assert AuditEvent.objects.filter(action="user.tokens_revoked", object_id=str(world.dev_aurora.pk)).exists()
    password = "a-new-long-passphrase"
    new = token()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {new}").status_code == 200
    world.dev_aurora.refresh_from_db()
    world.dev_aurora.set_password("yet-another-passphrase")
    world.dev_aurora.save()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {new}").status_code == 401


def test_token_with_wrong_password_is_refused(world, client):
    response = client.post(
        "/api/v1/auth/token/", {"username": "dev-aurora", "password": "nope"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert "credentials" in response.json()["detail"]


def test_anonymous_api_answers_401_but_register_is_public(world, api):
    assert api().get("/api/v1/models/").status_code == 401
    body = api().get("/api/v1/register/").json()
    assert set(body) >= {"count", "next", "previous", "results", "chain_head"}


def test_developer_registers_model_and_gets_initial_tier(world, api):
    response = api(world.dev_aurora).post(
        "/api/v1/models/",
        {"name": "Aster", "version": "2.0", "developer": world.aurora.pk, "released": True},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["current_tier"] == 2
    assert body["evidence_complete"] is False
    assert body["next_review_due"] is not None
    history = api(world.dev_aurora).get(f"/api/v1/models/{body['id']}/determinations/").json()
    assert [d["kind"] for d in history["results"]] == ["initial"]


def test_developer_cannot_register_for_another_organisation(world, api):
    before = AIModel.objects.count()
    response = api(world.dev_aurora).post(
        "/api/v1/models/", {"name": "Spoof", "version": "1", "developer": world.borealis.pk}
    )
    assert response.status_code == 400
    assert "own organisation" in response.json()["developer"][0]
    assert AIModel.objects.count() == before


def test_the_developer_defaults_to_the_callers_own_organisation(world, api):
    response = api(world.dev_aurora).post("/api/v1/models/", {"name": "Defaulted", "version": "1"})
    assert response.status_code == 201
    assert response.json()["developer"] == world.aurora.pk
    assert AIModel.objects.get(name="Defaulted").developer == world.aurora


def test_a_regulator_must_name_the_developer(world, api):
    response = api(world.regulator).post("/api/v1/models/", {"name": "Orphan", "version": "1"})
    assert response.status_code == 400
    assert "Name the developer" in response.json()["developer"][0]
    assert not AIModel.objects.filter(name="Orphan").exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"version": "1"}, "name"),
        ({"name": "X", "version": "1", "developer": 999999}, "developer"),
        ({"name": "X", "version": "1", "parameter_count": "many"}, "parameter_count"),
        ({"name": "X", "version": "1", "parent": 999999, "derivation": "fine_tune"}, "parent"),
        ({"name": "X", "version": "1", "derivation": "fine_tune"}, "derivation"),
        ({"name": "X", "version": "1", "derivation": "photocopy"}, "derivation"),
        ({"name": "X", "version": "1", "weights_sha256": "abc"}, "weights_sha256"),
    ],
)
def test_bad_model_input_is_a_field_error_and_writes_nothing(world, api, payload, field):
    payload = {"developer": world.aurora.pk, **payload}
    models_before, events_before = AIModel.objects.count(), AuditEvent.objects.count()
    response = api(world.dev_aurora).post("/api/v1/models/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert (AIModel.objects.count(), AuditEvent.objects.count()) == (models_before, events_before)


def test_malformed_json_is_400(world, api):
    response = api(world.dev_aurora).post("/api/v1/models/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


NUL_REFUSED = "Null characters are not allowed."


@pytest.mark.parametrize(
    "path, body",
    [
        ("/api/v1/models/", {"search": [NUL_REFUSED]}),  # a filter field of its own
        ("/api/v1/contests/", {"search": [NUL_REFUSED]}),
        ("/api/v1/evaluations/", {"search": [NUL_REFUSED]}),
    ],
)
def test_a_null_character_in_a_search_is_a_clear_400(world, api, path, body):
    response = api(world.regulator).get(path, {"search": "a\x00b"})
    assert response.status_code == 400
    assert response.json() == body


def test_duplicate_model_is_a_clear_400(world, api):
    world.register("Aster")
    response = api(world.dev_aurora).post(
        "/api/v1/models/", {"name": "Aster", "version": "1.0", "developer": world.aurora.pk}
    )
    assert response.status_code == 400
    assert response.json()


def test_other_organisations_model_is_404_everywhere(world, api):
    private = world.register("Secret", released=False)
    client = api(world.dev_borealis)
    for url in [
        f"/api/v1/models/{private.pk}/",
        f"/api/v1/models/{private.pk}/determinations/",
        f"/api/v1/models/{private.pk}/lineage/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.patch(f"/api/v1/models/{private.pk}/", {"name": "x"}).status_code == 404
    listing = client.get("/api/v1/models/?search=Secret").json()
    assert listing["count"] == 0
    determinations = client.get("/api/v1/determinations/").json()
    assert all(d["model"] != private.pk for d in determinations["results"])
    register = api().get("/api/v1/register/?search=Secret").json()
    assert register["count"] == 0
    assert "Secret" not in api().get("/api/v1/register.csv").getvalue().decode()


def test_a_released_model_cannot_be_unreleased(world, api):
    """SPEC 2: published weights cannot be recalled, so ``released`` never goes back to false."""
    model = world.register("Published", released=True)
    client = api(world.dev_aurora)
    response = client.patch(f"/api/v1/models/{model.pk}/", {"released": False}, format="json")
    assert response.status_code == 409
    assert "cannot be recalled" in response.json()["detail"]
    model.refresh_from_db()
    assert model.released is True
    assert any(row["name"] == "Published" for row in api().get("/api/v1/register/").json()["results"])
    assert client.patch(f"/api/v1/models/{model.pk}/", {"released": True, "version": "1.1"}).status_code == 200
    unreleased = world.register("Private", released=False)
    assert client.patch(f"/api/v1/models/{unreleased.pk}/", {"released": True}).json()["released"] is True


def test_tier_filter_and_ordering(world, api):
    low = world.register("Low")
    high = world.register("High")
    world.evidence(high, "cyber", "0.6000")
    client = api(world.regulator)
    tier3 = client.get("/api/v1/models/?tier=3").json()
    assert [m["name"] for m in tier3["results"]] == ["High"]
    ordered = client.get("/api/v1/models/?ordering=-current_tier").json()
    assert [m["id"] for m in ordered["results"]][:2] == [high.pk, low.pk]


def test_page_size_is_capped_at_200(world, api):
    response = api(world.regulator).get("/api/v1/models/?page_size=1000")
    assert response.status_code == 200
    assert response.json()["next"] is None


def test_model_list_query_count_is_constant(world, api, django_assert_max_num_queries):
    for i in range(25):
        world.register(f"M{i}")
    client = api(world.regulator)
    with django_assert_max_num_queries(6):
        small = client.get("/api/v1/models/?page_size=5")
    with django_assert_max_num_queries(6):
        large = client.get("/api/v1/models/?page_size=25")
    assert len(small.json()["results"]) == 5 and len(large.json()["results"]) == 25


def test_own_motion_determination_by_regulator_only(world, api):
    model = world.register("Aster")
    denied = api(world.dev_aurora).post(f"/api/v1/models/{model.pk}/determine/", {"tier": 1, "rationale": "x"})
    assert denied.status_code == 403
    response = api(world.regulator).post(
        f"/api/v1/models/{model.pk}/determine/", {"tier": 4, "rationale": "Credible uplift evidence."}
    )
    assert response.status_code == 201
    assert response.json()["kind"] == "own_motion" and response.json()["status"] == "in_force"
    model.refresh_from_db()
    assert model.current_tier == 4


def test_pending_relaxation_confirmed_over_api(world, api):
    model = world.register("Aster")
    result = world.evidence(model, "bio", "0.6000")
    world.full_evidence(model)
    from governance.evidence.services import withdraw_evaluation

    withdraw_evaluation(evaluation=result, by=world.regulator)
    pending = Determination.objects.get(model=model, status="pending_confirmation")
    assert api(world.dev_aurora).post(f"/api/v1/determinations/{pending.pk}/confirm/").status_code == 403
    response = api(world.regulator).post(f"/api/v1/determinations/{pending.pk}/confirm/")
    assert response.status_code == 200
    assert response.json()["status"] == "in_force"
    again = api(world.regulator).post(f"/api/v1/determinations/{pending.pk}/confirm/")
    assert again.status_code == 409
    model.refresh_from_db()
    assert model.current_tier == 1


def test_lineage_lists_visible_relatives(world, api):
    parent = world.register("Base")
    child = world.register("Tuned", parent=parent, derivation="fine_tune", developer=world.borealis)
    body = api(world.dev_aurora).get(f"/api/v1/models/{parent.pk}/lineage/").json()
    assert [d["id"] for d in body["descendants"]] == [child.pk]
    body = api(world.dev_borealis).get(f"/api/v1/models/{child.pk}/lineage/").json()
    assert [a["id"] for a in body["ancestors"]] == [parent.pk]


def test_cycle_is_rejected(world, api):
    a = world.register("A")
    b = world.register("B", parent=a, derivation="merge")
    response = api(world.dev_aurora).patch(
        f"/api/v1/models/{a.pk}/", {"parent": b.pk, "derivation": "merge"}, format="json"
    )
    assert response.status_code == 400
    assert "cycle" in response.json()["parent"][0]
    a.refresh_from_db()
    assert a.parent_id is None


def test_revalidate_is_regulator_only(world, api):
    model = world.register("Aster")
    assert api(world.dev_aurora).post(f"/api/v1/models/{model.pk}/revalidate/").status_code == 403
    assert api(world.dev_borealis).post(f"/api/v1/models/{model.pk}/revalidate/").status_code == 404
    response = api(world.regulator).post(f"/api/v1/models/{model.pk}/revalidate/")
    assert response.status_code == 200 and response.json()["current_tier"] == 2


def test_evaluation_submission_and_review(world, api):
    model = world.register("Aster")
    bench = world.benchmarks["cyber"]
    response = api(world.evaluator).post(
        "/api/v1/evaluations/",
        {"model": model.pk, "benchmark": bench.pk, "raw_score": "0.6500", "run_date": "2026-11-01"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["provenance"], body["status"], body["normalized_score"]) == ("accredited", "submitted", "0.6500")
    accepted = api(world.regulator).post(f"/api/v1/evaluations/{body['id']}/accept/")
    assert accepted.json()["status"] == "accepted"
    model.refresh_from_db()
    assert model.current_tier == 3
    assert api(world.regulator).post(f"/api/v1/evaluations/{body['id']}/accept/").status_code == 409


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"raw_score": "1.5"}, "raw_score"),
        ({"raw_score": "abc"}, "raw_score"),
        ({"run_date": "2026-13-45"}, "run_date"),
        ({"run_date": "2099-01-01"}, "run_date"),
        ({"benchmark": 424242}, "benchmark"),
    ],
)
def test_bad_evaluation_input(world, api, payload, field):
    model = world.register("Aster")
    data = {
        "model": model.pk,
        "benchmark": world.benchmarks["bio"].pk,
        "raw_score": "0.5",
        "run_date": "2026-11-01",
        **payload,
    }
    response = api(world.evaluator).post("/api/v1/evaluations/", data)
    assert response.status_code == 400
    assert field in response.json()
    assert model.evaluations.count() == 0


def test_developer_self_reports_only_for_own_models(world, api):
    mine = world.register("Mine")
    theirs = world.register("Theirs", developer=world.borealis)
    data = {"benchmark": world.benchmarks["bio"].pk, "raw_score": "0.9", "run_date": "2026-11-01"}
    ok = api(world.dev_aurora).post("/api/v1/evaluations/", {**data, "model": mine.pk})
    assert ok.status_code == 201 and ok.json()["provenance"] == "self_reported"
    denied = api(world.dev_aurora).post("/api/v1/evaluations/", {**data, "model": theirs.pk})
    assert denied.status_code == 400 and "model" in denied.json()
    api(world.regulator).post(f"/api/v1/evaluations/{ok.json()['id']}/accept/")
    mine.refresh_from_db()
    assert mine.current_tier == 2, "self-reported results are never evidence"


def test_decimal_scores_are_strings(world, api):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.1234")
    results = api(world.regulator).get(f"/api/v1/evaluations/?model={model.pk}").json()["results"]
    assert results[0]["normalized_score"] == "0.1234"
    assert Decimal(results[0]["raw_score"]) == Decimal("0.1234")


def test_an_evaluator_reads_the_results_it_submitted_not_the_dossier(world, api, client):
    """SPEC 15: one result (even unreviewed) on another organisation's unreleased model does
    not open that model's dossier, nor the determinations a rival evaluator's results built."""
    rival = UserFactory(username="rival", roles=["evaluator"], organization=EvaluatorOrgFactory(name="Rival Evals"))
    model = world.register("Hidden", developer=world.borealis, released=False)
    rival_result = evidence.submit_evaluation(
        by=rival,
        model=model,
        benchmark=world.benchmarks["bio"],
        raw_score=Decimal("0.6000"),
        run_date=date(2026, 11, 1),
    )
    evidence.accept_evaluation(evaluation=rival_result, by=world.regulator)
    mine = evidence.submit_evaluation(
        by=world.evaluator,
        model=model,
        benchmark=world.benchmarks["cyber"],
        raw_score=Decimal("0.1000"),
        run_date=date(2026, 11, 2),
    )
    client_api = api(world.evaluator)
    for url in (f"/api/v1/models/{model.pk}/", f"/api/v1/models/{model.pk}/determinations/"):
        assert client_api.get(url).status_code == 404, url
    assert client_api.get(f"/api/v1/determinations/?model={model.pk}").json()["count"] == 0
    assert client_api.get("/api/v1/models/").json()["count"] == 0
    results = client_api.get("/api/v1/evaluations/").json()["results"]
    assert [r["id"] for r in results] == [mine.pk]
    client.force_login(world.evaluator)
    assert client.get(f"/models/{model.pk}/").status_code == 404
    page = client.get("/evaluations/").content.decode()
    assert "Hidden" in page, "the evaluator still sees its own result and the model it is on"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/models/?parent={}",
        "/api/v1/determinations/?model={}",
        "/api/v1/evaluations/?model={}",
        "/api/v1/contests/?model={}",
        "/api/v1/re-reviews/?model={}",
        "/api/v1/obligations/?model={}",
        "/api/v1/compliance-submissions/?obligation__model={}",
        "/api/v1/enforcement-cases/?model={}",
        "/api/v1/access-requests/?model={}",
        "/api/v1/access-grants/?model={}",
        "/api/v1/access-register/?model={}",
    ],
)
def test_a_hidden_id_and_a_missing_id_filter_alike(world, api, path):
    """Issue 17, item 23: a filter on another organisation's unreleased model answers exactly
    as one on an id that exists nowhere, so ids cannot be enumerated."""
    hidden = world.register("Hidden", developer=world.borealis, released=False)
    client = api(world.dev_aurora)
    seen = client.get(path.format(hidden.pk))
    missing = client.get(path.format(2_000_000_000))
    assert (seen.status_code, seen.json()) == (missing.status_code, missing.json()) == (200, seen.json())
    assert seen.json()["count"] == 0
    assert client.get(path.format("not-a-number")).status_code == 400
    assert client.get(path.format(10**30)).status_code == 400


def test_an_unreleased_parent_is_named_nowhere_on_the_register(world, api, client):
    """Issue 17, item 23: the register lists a released derivative, never its unreleased parent."""
    secret = world.register("Secretparent", developer=world.borealis, released=False)
    child = world.register("Childmodel", parent=secret, derivation="fine_tune", released=True)
    public = world.register("Publicparent", released=True)
    world.register("Publicchild", parent=public, derivation="merge", released=True)
    entries = {row["name"]: row for row in api().get("/api/v1/register/").json()["results"]}
    assert entries["Childmodel"]["parent"] is None
    assert entries["Publicchild"]["parent"] == public.pk
    body = b"".join(api().get("/api/v1/register.csv").streaming_content).decode()
    rows = {row["name"]: row for row in csv.DictReader(io.StringIO(body))}
    assert "Secretparent" not in body and rows["Childmodel"]["parent"] == ""
    assert rows["Publicchild"]["parent"] == str(public.pk) and rows[child.name]["derivation"] == "fine_tune"
    page = client.get("/register/").content.decode()
    assert "Secretparent" not in page and "a model not on the register (fine-tune)" in page
    assert "Publicparent 1.0 (merge)" in page


@pytest.mark.parametrize("deep", [40, 1000, 100_000])
@pytest.mark.parametrize("path, who", [("/api/v1/auth/token/", None), ("/api/v1/models/", "dev_aurora")])
def test_json_nested_too_deep_is_a_clear_400(world, api, path, who, deep):
    """Issue 17, item 19: every JSON endpoint, the unauthenticated token endpoint included."""
    body = "[" * deep + "]" * deep
    client = api(getattr(world, who) if who else None)
    response = client.generic("POST", path, body, content_type="application/json")
    assert response.status_code == 400
    assert "nested deeper than 32 levels" in response.json()["detail"]
    assert not AIModel.objects.exists()


def test_a_token_login_with_an_overlong_username_is_a_clear_400(world, api):
    response = api().post("/api/v1/auth/token/", {"username": "u" * 300, "password": "x"}, format="json")
    assert response.status_code == 400 and "username" in response.json()
