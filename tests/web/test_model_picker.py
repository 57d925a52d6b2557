"""Model pickers with search instead of numeric ids (issue 15): the evaluation submit and
import forms offer "Name version (developer)" among the models the user may choose, a search
narrows them, hidden models are never offered, and a hidden id posted anyway is refused."""

from django.test import Client

from governance.evidence.models import EvaluationResult


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _submit(world, model_id) -> dict:
    return {
        "form": "submit",
        "model": model_id,
        "benchmark": world.benchmarks["cyber"].pk,
        "raw_score": "0.1500",
        "run_date": "2026-11-01",
    }


def test_the_forms_offer_models_by_name_version_and_developer(world):
    world.register("Aster", version="2.1")
    world.register("Boreal", developer=world.borealis)
    page = _client(world.dev_aurora).get("/evaluations/submit/").content.decode()
    assert ">Aster 2.1 (Aurora Labs)</option>" in page
    assert "Boreal" not in page  # another organisation's model is not the developer's to choose
    assert 'hx-get="/evaluations/models/"' in page and 'id="submit_model"' in page and 'id="import_model"' in page
    assert "Model id" not in page and "<script>" not in page
    evaluator_page = _client(world.evaluator).get("/evaluations/submit/").content.decode()
    assert "Aster 2.1 (Aurora Labs)" in evaluator_page and "Boreal 1.0 (Borealis AI)" in evaluator_page


def test_search_narrows_the_options_and_never_offers_a_hidden_model(world, django_assert_max_num_queries):
    world.register("Aster", version="2.1")
    world.register("Astral")
    world.register("Asterisk", developer=world.borealis)
    developer = _client(world.dev_aurora)
    with django_assert_max_num_queries(4):
        options = developer.get("/evaluations/models/", {"q": "aster"}).content.decode()
    assert "Aster 2.1 (Aurora Labs)" in options and "Astral" not in options and "Asterisk" not in options
    assert "Astral 1.0" in developer.get("/evaluations/models/", {"q": "astral aurora"}).content.decode()
    assert "No model matches" in developer.get("/evaluations/models/", {"q": "Asterisk"}).content.decode()
    by_developer = _client(world.evaluator).get("/evaluations/models/", {"q": "borealis"}).content.decode()
    assert "Asterisk 1.0 (Borealis AI)" in by_developer and "Aster 2.1" not in by_developer
    assert _client(world.regulator).get("/evaluations/models/", {"q": "zzz"}).status_code == 200
    assert Client().get("/evaluations/models/").status_code == 302  # signed-in users only


def test_a_hidden_model_id_is_a_form_error_and_nothing_is_stored(world):
    hidden = world.register("Boreal", developer=world.borealis)
    before = EvaluationResult.objects.count()
    response = _client(world.dev_aurora).post("/evaluations/submit/", _submit(world, hidden.pk))
    assert response.status_code == 400
    errors = response.context["submit_form"].errors
    assert errors["model"] == ["No such model, or not one you may choose."]
    page = response.content.decode()
    assert "No such model, or not one you may choose." in page and "Boreal" not in page
    assert 'value="0.1500"' in page  # the rest of the input is kept
    for bad in ("999999", "abc", ""):
        assert _client(world.dev_aurora).post("/evaluations/submit/", _submit(world, bad)).status_code == 400
    assert EvaluationResult.objects.count() == before


def test_an_evaluator_is_offered_released_models_and_finds_an_unreleased_one_only_by_id(world):
    secret = world.register("Nightjar", developer=world.borealis, released=False)
    evaluator = _client(world.evaluator)
    assert "Nightjar" not in evaluator.get("/evaluations/submit/").content.decode()
    assert "Nightjar" not in evaluator.get("/evaluations/models/", {"q": "night"}).content.decode()
    by_id = evaluator.get("/evaluations/models/", {"q": str(secret.pk)}).content.decode()
    assert f'<option value="{secret.pk}">Model #{secret.pk}</option>' in by_id and "Nightjar" not in by_id
    assert (
        "No model matches"
        in _client(world.dev_aurora).get("/evaluations/models/", {"q": str(secret.pk)}).content.decode()
    )
    response = evaluator.post("/evaluations/submit/", _submit(world, secret.pk))
    assert response.status_code == 302  # SPEC 15: an accredited evaluator submits for any model
    assert secret.evaluations.filter(status="submitted").exists()


def test_a_chosen_model_beyond_the_first_options_is_kept_on_an_error(world):
    last = world.register("Zephyr")
    for n in range(21):
        world.register(f"Alpha{n:02}")
    body = {**_submit(world, last.pk), "raw_score": "not a number"}
    response = _client(world.dev_aurora).post("/evaluations/submit/", body)
    assert response.status_code == 400 and "raw_score" in response.context["submit_form"].errors
    assert f'<option value="{last.pk}" selected>Zephyr 1.0 (Aurora Labs)</option>' in response.content.decode()


def test_picking_a_visible_model_submits_the_result(world):
    aster = world.register("Aster")
    response = _client(world.dev_aurora).post("/evaluations/submit/", _submit(world, aster.pk))
    assert response.status_code == 302
    assert aster.evaluations.filter(provenance="self_reported").exists()
