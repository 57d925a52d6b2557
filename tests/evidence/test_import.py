"""Evaluation import from real Inspect AI and lm-evaluation-harness files (SPEC 11)."""

import json

import pytest
from django.core.management import call_command
from django.test import override_settings

from governance.evidence.models import EvaluationResult
from tests.evidence.logs import SAMPLES, post, upload


@pytest.mark.parametrize("name, raw", [("wmdp_bio_mini.json", "0.6667"), ("wmdp_bio_mini.eval", "0.6667")])
def test_inspect_logs_in_both_formats(world, api, benchmarks, name, raw):
    model = world.register("Aster")
    response = post(api, world.evaluator, model, upload(name))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["errors"] == []
    [created] = body["created"]
    assert (created["raw_score"], created["provenance"], created["status"]) == (raw, "accredited", "submitted")
    result = EvaluationResult.objects.get(pk=created["id"])
    assert len(result.artifact_sha256) == 64 and result.artifact.name
    assert str(result.run_date) == "2026-11-24"


def test_scorer_slash_metric(world, api, benchmarks):
    model = world.register("Aster")
    body = post(api, world.evaluator, model, upload("cyber_ctf_mini.json")).json()
    assert [c["benchmark"] for c in body["created"]] == [benchmarks["ctf"].pk]


def test_lm_eval_results_with_a_missing_metric(world, api, benchmarks):
    model = world.register("Aster")
    response = post(api, world.evaluator, model, upload("results_wmdp_cyber_mini.json"))
    body = response.json()
    assert [c["raw_score"] for c in body["created"]] == ["0.3000"]
    assert body["errors"] == [
        {
            "task": "persuasion_mini",
            "reason": "Metric 'acc_norm,none' is not in the log (it has: acc,none, acc_stderr,none).",
        }
    ]


def test_unknown_task_is_an_error_not_dropped(world, api, benchmarks):
    model = world.register("Aster")
    benchmarks["bio"].delete()
    body = post(api, world.evaluator, model, upload("wmdp_bio_mini.json")).json()
    assert body["created"] == []
    assert body["errors"] == [{"task": "wmdp_bio_mini", "reason": "No benchmark has this task as its external id."}]


def test_failed_run_is_an_error(world, api, benchmarks):
    model = world.register("Aster")
    log = json.loads((SAMPLES / "wmdp_bio_mini.json").read_text())
    log["status"] = "error"
    body = post(api, world.evaluator, model, upload("failed.json", json.dumps(log).encode())).json()
    assert body["created"] == [] and "only completed runs" in body["errors"][0]["reason"]


def test_same_file_twice_creates_nothing(world, api, benchmarks):
    model = world.register("Aster")
    post(api, world.evaluator, model, upload("wmdp_bio_mini.json"))
    response = post(api, world.evaluator, model, upload("wmdp_bio_mini.json"))
    assert response.status_code == 200
    assert response.json()["errors"][0]["reason"] == "This file was already imported for this model."
    assert EvaluationResult.objects.filter(model=model).count() == 1


@pytest.mark.parametrize("content", [b"not json at all", b"[1, 2, 3]", b'{"hello": "world"}', b"PK\x03\x04garbage"])
def test_files_that_are_not_logs_are_400(world, api, benchmarks, content):
    model = world.register("Aster")
    response = post(api, world.evaluator, model, upload("x.json", content))
    assert response.status_code == 400 and "file" in response.json()
    assert EvaluationResult.objects.count() == 0


@override_settings(MAX_UPLOAD_BYTES=100)
def test_oversized_log_is_413(world, api, benchmarks):
    model = world.register("Aster")
    assert post(api, world.evaluator, model, upload("wmdp_bio_mini.json")).status_code == 413


def test_developers_import_self_reported_only_for_their_models(world, api, benchmarks):
    mine = world.register("Mine")
    theirs = world.register("Theirs", developer=world.borealis)
    ok = post(api, world.dev_aurora, mine, upload("wmdp_bio_mini.json")).json()
    assert ok["created"][0]["provenance"] == "self_reported"
    assert post(api, world.dev_aurora, theirs, upload("wmdp_bio_mini.json")).status_code == 400
    assert post(api, world.regulator, mine, upload("wmdp_bio_mini.eval")).status_code == 403


def test_import_command(world, benchmarks, capsys):
    model = world.register("Aster")
    call_command("import_evaluations", str(SAMPLES / "wmdp_bio_mini.eval"), model=model.pk)
    assert "1 created, 0 errors" in capsys.readouterr().out
