"""Layouts real logs come in, run identity across formats, and dates (issue 17, items 3-6)."""

import io
import json
from datetime import timedelta
from datetime import timezone as dt_timezone

from django.core.management import call_command
from django.utils import timezone

from governance.evidence.models import EvaluationResult
from tests.evidence.logs import SAMPLES, post, upload
from tests.factories import BenchmarkFactory, domain


def eval_header() -> dict:
    """The header of the sample ``.eval`` log: its ``header.json``, which a JSON log also holds."""
    from backports.zstd import zipfile

    return json.loads(zipfile.ZipFile(io.BytesIO((SAMPLES / "wmdp_bio_mini.eval").read_bytes())).read("header.json"))


def test_lm_eval_0_3_bare_metric_keys_are_the_unfiltered_metric(world, api, benchmarks):
    model = world.register("Aster")
    response = post(api, world.evaluator, model, upload("results_lm_eval_0_3.json"))
    assert response.status_code == 201, response.json()
    body = response.json()
    # wmdp_cyber_mini's benchmark asks for "acc,none": the 0.3 file's bare "acc" is that metric.
    assert [(c["benchmark"], c["raw_score"]) for c in body["created"]] == [(benchmarks["lm"].pk, "0.3000")]
    assert body["errors"] == [
        {
            "task": "persuasion_mini",
            "reason": "Metric 'acc_norm,none' is not in the log (it has: acc,none, acc_stderr,none).",
        }
    ]


def test_a_bare_metric_name_on_the_benchmark_reads_lm_eval_0_3_too(world, api, benchmarks):
    benchmarks["persuasion"].metric = "acc"
    benchmarks["persuasion"].save()
    body = post(api, world.evaluator, world.register("Aster"), upload("results_lm_eval_0_3.json")).json()
    assert sorted(c["raw_score"] for c in body["created"]) == ["0.2000", "0.3000"]


def test_a_task_with_no_metrics_says_so_and_names_the_layout(world, api, benchmarks):
    log = json.loads((SAMPLES / "results_lm_eval_0_3.json").read_text())
    log["results"]["wmdp_cyber_mini"] = {"alias": "wmdp_cyber_mini"}
    body = post(api, world.evaluator, world.register("Aster"), upload("r.json", json.dumps(log).encode())).json()
    [error] = [e for e in body["errors"] if e["task"] == "wmdp_cyber_mini"]
    assert error["reason"] == (
        "Metric 'acc,none' is not in the log: it reports no metrics for this task "
        "(lm-eval 0.3 (metric keys without a filter))."
    )


def test_the_may_2024_inspect_layout_is_read(world, api, benchmarks):
    model = world.register("Aster")
    response = post(api, world.evaluator, model, upload("inspect_may_2024_wmdp_bio_mini.json"))
    assert response.status_code == 201, response.json()
    [created] = response.json()["created"]
    assert (created["benchmark"], created["raw_score"], created["run_date"]) == (
        benchmarks["bio"].pk,
        "0.5833",
        "2024-05-21",
    )
    assert created["run_identity"] == "inspect:bqYB8d8bRPHvCmWd5EKjfR"


def test_the_may_2024_layout_with_scorer_slash_metric(world, api, benchmarks):
    benchmarks["bio"].metric = "includes/bootstrap_std"
    benchmarks["bio"].save()
    body = post(api, world.evaluator, world.register("Aster"), upload("inspect_may_2024_wmdp_bio_mini.json")).json()
    assert [c["raw_score"] for c in body["created"]] == ["0.1400"]


def test_one_inspect_run_as_eval_and_as_json_creates_one_result(world, api, benchmarks):
    model = world.register("Aster")
    first = post(api, world.evaluator, model, upload("wmdp_bio_mini.eval"))
    assert first.status_code == 201
    assert first.json()["created"][0]["run_identity"] == "inspect:KKG6epLtmDdF9r8uh5t6yf"
    as_json = json.dumps(eval_header(), indent=1).encode()  # the same run, another file
    second = post(api, world.evaluator, model, upload("wmdp_bio_mini_converted.json", as_json))
    assert second.status_code == 200
    assert second.json() == {
        "created": [],
        "errors": [
            {
                "task": "wmdp_bio_mini",
                "reason": "This run (inspect:KKG6epLtmDdF9r8uh5t6yf) was already imported for this model, "
                "from this or another file.",
            }
        ],
    }
    assert EvaluationResult.objects.filter(model=model).count() == 1


def test_one_run_id_counts_once_per_task_and_per_model(world, api, benchmarks):
    # The two JSON samples come from one Inspect run (one run_id, two tasks).
    model = world.register("Aster")
    other = world.register("Birch")
    assert post(api, world.evaluator, model, upload("wmdp_bio_mini.json")).status_code == 201
    assert post(api, world.evaluator, model, upload("cyber_ctf_mini.json")).status_code == 201
    assert post(api, world.evaluator, other, upload("wmdp_bio_mini.json")).status_code == 201
    identities = set(EvaluationResult.objects.values_list("run_identity", flat=True))
    assert identities == {"inspect:KgRmuaKuq2twADKcAc6hvo"}


def test_one_lm_eval_run_in_two_files_creates_one_result(world, api, benchmarks):
    model = world.register("Aster")
    original = (SAMPLES / "results_wmdp_cyber_mini.json").read_bytes()
    assert post(api, world.evaluator, model, upload("results.json", original)).status_code == 201
    log = json.loads(original)
    log["total_evaluation_time_seconds"] = "12.0"  # rewritten: another hash, the same run
    response = post(api, world.evaluator, model, upload("results_copy.json", json.dumps(log).encode()))
    assert response.status_code == 200
    [again, unreadable] = response.json()["errors"]
    assert again["task"] == "wmdp_cyber_mini" and again["reason"].startswith("This run (lm-eval:")
    assert again["reason"].endswith("was already imported for this model, from this or another file.")
    assert unreadable["task"] == "persuasion_mini" and unreadable["reason"].startswith("Metric 'acc_norm,none'")
    # Another run of the same model on the same task (a later date) is a new result.
    log["date"] += 86400
    response = post(api, world.evaluator, model, upload("results_next_day.json", json.dumps(log).encode()))
    assert [c["benchmark"] for c in response.json()["created"]] == [benchmarks["lm"].pk]


def test_lm_eval_without_hash_or_date_is_recognised_by_its_file_alone(world, api, benchmarks):
    model = world.register("Aster")
    [created] = post(api, world.evaluator, model, upload("results_lm_eval_0_3.json")).json()["created"]
    assert created["run_identity"] == ""
    again = post(api, world.evaluator, model, upload("results_lm_eval_0_3.json")).json()
    assert again["created"] == [] and "This file was already imported" in again["errors"][0]["reason"]


def test_a_missing_run_date_is_a_warning_on_the_created_row(world, api, benchmarks):
    model = world.register("Aster")
    [created] = post(api, world.evaluator, model, upload("results_lm_eval_0_3.json")).json()["created"]
    today = timezone.localdate().isoformat()
    assert created["run_date"] == today
    assert created["warnings"] == [f"The log gives no run date: today's date ({today}) was recorded."]


def test_a_dated_row_has_no_warnings(world, api, benchmarks):
    [created] = post(api, world.evaluator, world.register("Aster"), upload("wmdp_bio_mini.json")).json()["created"]
    assert created["warnings"] == []


def test_a_future_run_date_is_refused_for_that_task(world, api, benchmarks):
    log = json.loads((SAMPLES / "wmdp_bio_mini.json").read_text())
    future = (timezone.localdate() + timedelta(days=30)).isoformat()
    log["stats"]["completed_at"] = f"{future}T10:00:00+00:00"
    response = post(api, world.evaluator, world.register("Aster"), upload("future.json", json.dumps(log).encode()))
    assert response.status_code == 200
    assert response.json() == {
        "created": [],
        "errors": [
            {
                "task": "wmdp_bio_mini",
                "reason": f"The log's run date ({future}) is in the future: a result cannot predate its run.",
            }
        ],
    }
    assert EvaluationResult.objects.count() == 0


def test_scorer_names_with_a_slash_still_answer_a_bare_metric(world, api):
    BenchmarkFactory(slug="wmdp-bio", external_id="wmdp_bio_mini", domain=domain("bio"), metric="accuracy")
    log = json.loads((SAMPLES / "wmdp_bio_mini.json").read_text())
    log["results"]["scores"][0]["name"] = "inspect_evals/choice"
    body = post(api, world.evaluator, world.register("Aster"), upload("slash.json", json.dumps(log).encode())).json()
    assert [c["raw_score"] for c in body["created"]] == ["0.6667"]


def test_lm_eval_0_3_results_with_only_their_config_are_recognised(world, api, benchmarks):
    log = json.loads((SAMPLES / "results_lm_eval_0_3.json").read_text())
    del log["versions"]
    response = post(api, world.evaluator, world.register("Aster"), upload("r.json", json.dumps(log).encode()))
    assert [c["raw_score"] for c in response.json()["created"]] == ["0.3000"]


def test_the_import_command_prints_the_warnings(world, benchmarks, capsys):
    model = world.register("Aster")
    call_command("import_evaluations", str(SAMPLES / "results_lm_eval_0_3.json"), model=model.pk)
    out = capsys.readouterr().out
    assert "warning: The log gives no run date" in out and "1 created, 1 errors" in out


def test_the_import_page_shows_each_rows_warnings(world, client, benchmarks):
    model = world.register("Aster")
    client.force_login(world.evaluator)
    response = client.post(
        "/evaluations/", {"form": "import", "model": model.pk, "file": upload("results_lm_eval_0_3.json")}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 result created, 1 task not imported." in page
    assert "The log gives no run date: today&#x27;s date" in page


def test_checking_many_tasks_takes_a_fixed_number_of_queries(world, api, benchmarks, django_assert_max_num_queries):
    tasks = {f"task_{index}": {"acc,none": 0.5} for index in range(300)}
    tasks["wmdp_cyber_mini"] = {"acc,none": 0.3}
    content = json.dumps({"results": tasks, "versions": {}, "lm_eval_version": "0.4.8", "date": 1795563201.0}).encode()
    model = world.register("Aster")
    client = api(world.evaluator)
    with django_assert_max_num_queries(15):
        response = client.post(
            "/api/v1/evaluations/import/", {"model": model.pk, "file": upload("r.json", content)}, format="multipart"
        )
    assert len(response.json()["created"]) == 1 and len(response.json()["errors"]) == 300


def test_a_run_finished_within_the_hour_in_a_zone_ahead_of_utc_is_not_in_the_future(world, api, benchmarks):
    finished = timezone.now() - timedelta(hours=1)
    ahead = finished.astimezone(dt_timezone(timedelta(hours=14)))  # often already tomorrow there
    log = json.loads((SAMPLES / "wmdp_bio_mini.json").read_text())
    log["stats"]["completed_at"] = ahead.isoformat()
    response = post(api, world.evaluator, world.register("Aster"), upload("kiribati.json", json.dumps(log).encode()))
    assert response.status_code == 201, response.json()
    assert response.json()["created"][0]["run_date"] == finished.date().isoformat()
