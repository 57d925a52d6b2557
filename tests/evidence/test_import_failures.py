"""Logs that are broken or hostile: one transaction per file, 4xx with a reason, no orphan
files, bounded decompression (issue 17, items 1, 15, 19 and 23)."""

import io
import json
import struct
import zipfile as stdlib_zipfile

import pytest
from backports.zstd import zipfile
from django.core.files.uploadedfile import SimpleUploadedFile

from governance.audit.models import AuditEvent
from governance.evidence import services
from governance.evidence.importers import inspect as inspect_reader
from governance.evidence.imports import import_log
from governance.evidence.models import EvaluationResult
from tests.evidence.logs import SAMPLES, post, stored_logs, upload
from tests.factories import BenchmarkFactory, domain


@pytest.fixture
def regression(world):
    """A benchmark on the task whose ``mae`` the lm-eval 0.4.8 sample reports as Infinity."""
    return BenchmarkFactory(slug="regression", external_id="regression_mini", domain=domain("cyber"), metric="mae,none")


def header() -> dict:
    log = json.loads((SAMPLES / "wmdp_bio_mini.json").read_text())
    log.pop("samples")
    log.pop("reductions", None)
    return log


def evaluation_events() -> int:
    return AuditEvent.objects.filter(action="evaluation.submitted").count()


# Item 1: a non-finite metric ------------------------------------------------------------


def test_an_infinite_metric_is_reported_and_the_other_tasks_are_created(world, api, benchmarks, regression):
    model = world.register("Aster")
    response = post(api, world.evaluator, model, upload("results_nonfinite_lm_eval_0_4_8.json"))
    assert response.status_code == 201, response.content[:500]
    body = response.json()
    assert [(c["benchmark"], c["raw_score"]) for c in body["created"]] == [(benchmarks["lm"].pk, "0.3000")]
    assert body["errors"] == [
        {
            "task": "persuasion_mini",
            "reason": "Metric 'acc_norm,none' is not in the log (it has: acc,none, acc_stderr,none).",
        },
        {
            "task": "regression_mini",
            "reason": "Metric 'mae,none' is Infinity in the log: only a finite number is a score.",
        },
    ]
    assert evaluation_events() == 1
    [stored] = stored_logs()
    assert EvaluationResult.objects.get().artifact.path == str(stored)


def test_a_nan_metric_is_reported(world, api, regression):
    regression.metric = "mae_stderr,none"
    regression.save()
    body = post(api, world.evaluator, world.register("Aster"), upload("results_nonfinite_lm_eval_0_4_8.json")).json()
    assert body["created"] == []
    assert body["errors"][-1] == {
        "task": "regression_mini",
        "reason": "Metric 'mae_stderr,none' is NaN in the log: only a finite number is a score.",
    }


def test_nothing_created_means_nothing_stored(world, api, regression):
    response = post(api, world.evaluator, world.register("Aster"), upload("results_nonfinite_lm_eval_0_4_8.json"))
    assert response.status_code == 200
    assert response.json()["created"] == []
    assert EvaluationResult.objects.count() == 0 and evaluation_events() == 0
    assert stored_logs() == []


def test_scores_out_of_scale_store_no_file(world, api, benchmarks):
    log = header()
    log["results"]["scores"][0]["metrics"]["accuracy"]["value"] = 7.5
    response = post(api, world.evaluator, world.register("Aster"), upload("x.json", json.dumps(log).encode()))
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["task"] == "wmdp_bio_mini" and "7.5" in error["reason"]
    assert stored_logs() == []


def test_a_failure_midway_rolls_back_the_whole_file_and_its_stored_copy(world, benchmarks, monkeypatch):
    submit = services.submit_evaluation
    calls = []

    def fail_on_the_second(**kwargs):
        calls.append(kwargs["benchmark"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return submit(**kwargs)

    benchmarks["persuasion"].metric = "acc,none"
    benchmarks["persuasion"].save()
    monkeypatch.setattr(services, "submit_evaluation", fail_on_the_second)
    model = world.register("Aster")
    with pytest.raises(RuntimeError):
        import_log(by=world.evaluator, model=model, upload=upload("results_wmdp_cyber_mini.json"))
    assert len(calls) == 2
    assert EvaluationResult.objects.filter(model=model).count() == 0 and evaluation_events() == 0
    assert stored_logs() == []


# Item 15: bounded decompression ---------------------------------------------------------


def eval_archive(header_bytes: bytes, compression: int = zipfile.ZIP_ZSTANDARD) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        archive.writestr("_journal/start.json", json.dumps({"version": 2}))
        archive.writestr("header.json", header_bytes)
    return buffer.getvalue()


def padded_header(size: int) -> bytes:
    text = json.dumps(header())
    return (text[:-1] + ', "padding": "' + " " * (size - len(text) - 15) + '"}').encode()


def test_a_header_inflating_past_the_limit_is_413_before_it_is_inflated(world, api, benchmarks):
    bomb = eval_archive(padded_header(17 * 1024 * 1024))
    assert len(bomb) < 10_000
    response = post(api, world.evaluator, world.register("Aster"), upload("bomb.eval", bomb))
    assert response.status_code == 413
    assert response.json()["detail"].startswith("header.json would inflate to ")
    assert EvaluationResult.objects.count() == 0 and stored_logs() == []


def test_a_zip_bomb_ratio_is_refused(world, api, benchmarks):
    bomb = eval_archive(padded_header(3 * 1024 * 1024))
    response = post(api, world.evaluator, world.register("Aster"), upload("bomb.eval", bomb))
    assert response.status_code == 400
    [reason] = response.json()["file"]
    assert "it looks like a zip bomb" in reason and "at most 100:1" in reason
    assert EvaluationResult.objects.count() == 0


def lie_about_size(archive: bytes, member: str, size: int) -> bytes:
    """Declare ``member`` ``size`` bytes long in its local and central headers."""
    data = bytearray(archive)
    info = stdlib_zipfile.ZipFile(io.BytesIO(archive)).getinfo(member)
    struct.pack_into("<L", data, info.header_offset + 22, size)  # local header: uncompressed size
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + name_length] == member.encode():
            struct.pack_into("<L", data, position + 24, size)  # central directory: uncompressed size
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


@pytest.mark.parametrize("compression", [zipfile.ZIP_ZSTANDARD, zipfile.ZIP_DEFLATED])
def test_a_member_inflating_past_its_declared_size_is_stopped(world, api, benchmarks, compression):
    lying = lie_about_size(eval_archive(padded_header(3 * 1024 * 1024), compression), "header.json", 2000)
    response = post(api, world.evaluator, world.register("Aster"), upload("lying.eval", lying))
    assert response.status_code == 400
    assert response.json()["file"] == ["header.json inflates beyond its declared size: the archive is corrupt."]


def test_an_ordinary_deflated_eval_is_read(world, api, benchmarks):
    archive = eval_archive(json.dumps(header()).encode(), zipfile.ZIP_DEFLATED)
    response = post(api, world.evaluator, world.register("Aster"), upload("deflated.eval", archive))
    assert response.status_code == 201 and response.json()["created"][0]["raw_score"] == "0.6667"


# Item 19: malformed logs answer 400 with a reason ---------------------------------------


def corrupt_deflate() -> bytes:
    archive = bytearray(eval_archive(json.dumps(header()).encode(), zipfile.ZIP_DEFLATED))
    info = stdlib_zipfile.ZipFile(io.BytesIO(bytes(archive))).getinfo("header.json")
    start = info.header_offset + 30 + len(b"header.json")
    archive[start : start + 8] = b"\xff" * 8
    return bytes(archive)


def log_with(path: tuple, value) -> bytes:
    log = header()
    target = log
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(log).encode()


DEEP = b'{"eval": {"task": "wmdp_bio_mini"}, "status": "success", "x": ' + b"[" * 1000 + b"]" * 1000 + b"}"
HUGE_INTEGER = log_with(("results", "scores", 0, "metrics", "accuracy", "value"), "VALUE").replace(
    b'"VALUE"', b"1" + b"0" * 5000
)
MALFORMED = {
    "nested 1,000 deep": (DEEP, "nested too deeply"),
    "nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    "corrupt deflate": (corrupt_deflate(), "header.json cannot be inflated"),
    "an integer of 5,000 digits": (HUGE_INTEGER, "is not valid JSON"),
    "results a list": (log_with(("results",), []), "results should be an object, not a list."),
    "scores an object": (log_with(("results", "scores"), {}), "results.scores should be a list, not an object."),
    "a score a list": (log_with(("results", "scores"), [[]]), "results.scores[0] should be an object, not a list."),
    "metrics a list": (
        log_with(("results", "scores", 0, "metrics"), []),
        "results.scores[0].metrics should be an object, not a list.",
    ),
    "eval a list": (log_with(("eval",), []), "The log names no task (eval.task)."),
    "a NUL in the task name": (log_with(("eval", "task"), "wmdp\x00bio"), "eval.task contains characters"),
    "a lone surrogate in the task name": (log_with(("eval", "task"), "\ud800"), "eval.task contains characters"),
    "an lm-eval task a list": (b'{"results": {"wmdp_cyber_mini": [0.3]}, "versions": {}}', "should be an object"),
    "a .json that is a zip": (eval_archive(json.dumps(header()).encode()), "named .json but holds a zip"),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_logs_answer_400_with_the_reason(world, api, benchmarks, case):
    content, reason = MALFORMED[case]
    name = "log.eval" if content.startswith(b"PK") and "json" not in case else "log.json"
    response = post(api, world.evaluator, world.register("Aster"), upload(name, content))
    assert response.status_code == 400, (case, response.status_code, response.content[:300])
    [message] = response.json()["file"]
    assert reason in message, message
    assert EvaluationResult.objects.count() == 0 and stored_logs() == []


@pytest.mark.parametrize(
    "value, reason",
    [
        ("NaN", "Metric 'accuracy' is NaN in the log"),
        ("Infinity", "Metric 'accuracy' is Infinity in the log"),
        ("-Infinity", "Metric 'accuracy' is -Infinity in the log"),
        ("1e400", "Metric 'accuracy' is Infinity in the log"),
        ("1e300", "Metric 'accuracy' is 1e+300 in the log, beyond any benchmark's scale."),
        ("1" + "0" * 400, "Metric 'accuracy' is Infinity in the log"),
    ],
)
def test_non_finite_and_huge_scores_are_reported_for_the_task(world, api, benchmarks, value, reason):
    content = log_with(("results", "scores", 0, "metrics", "accuracy", "value"), "VALUE").replace(
        b'"VALUE"', value.encode()
    )
    response = post(api, world.evaluator, world.register("Aster"), upload("log.json", content))
    assert response.status_code == 200, response.content[:300]
    [error] = response.json()["errors"]
    assert error["task"] == "wmdp_bio_mini" and error["reason"].startswith(reason), error
    assert EvaluationResult.objects.count() == 0 and stored_logs() == []


@pytest.mark.parametrize("date", ["NaN", "1e300", "-1e18", '"yesterday"', "[]"])
def test_an_unusable_lm_eval_date_is_a_missing_date(world, api, benchmarks, date):
    content = (
        (SAMPLES / "results_wmdp_cyber_mini.json")
        .read_bytes()
        .replace(b'"date": 1795563201.0921576', f'"date": {date}'.encode())
    )
    response = post(api, world.evaluator, world.register("Aster"), upload("results.json", content))
    assert response.status_code == 201, response.content[:300]
    [created] = response.json()["created"]
    assert created["warnings"][0].startswith("The log gives no run date")


def test_unusable_inspect_parts_around_the_scores_are_ignored(world, api, benchmarks):
    log = header()
    log["stats"] = []
    log["eval"]["created"] = "2026-11-24T23:30:20+00:00"
    response = post(api, world.evaluator, world.register("Aster"), upload("log.json", json.dumps(log).encode()))
    assert response.status_code == 201 and response.json()["created"][0]["run_date"] == "2026-11-24"


# Item 23: .json uploads are content-checked ---------------------------------------------


@pytest.mark.parametrize("content", [b"not json", b"[" * 5000, b'{"a": 1' + b"0" * 5000 + b"}", b"{\x00}"])
def test_json_evidence_that_is_not_json_is_refused(world, api, content):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    determination = model.determinations.get(status="in_force")
    response = api(world.dev_aurora).post(
        "/api/v1/contests/",
        {
            "determination": determination.pk,
            "grounds": "g",
            "requested_tier": 2,
            "files": [SimpleUploadedFile("evidence.json", content)],
        },
        format="multipart",
    )
    assert response.status_code == 400, response.content[:300]
    assert "evidence.json: the content is not" in json.dumps(response.json())


def test_json_evidence_that_is_json_is_accepted(world, api):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    determination = model.determinations.get(status="in_force")
    response = api(world.dev_aurora).post(
        "/api/v1/contests/",
        {
            "determination": determination.pk,
            "grounds": "g",
            "requested_tier": 2,
            "files": [SimpleUploadedFile("evidence.json", b'{"runs": [1, 2]}')],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content[:300]


def test_an_archive_listing_too_many_members_is_413_before_its_directory_is_read(world, api, benchmarks, monkeypatch):
    monkeypatch.setattr(inspect_reader, "MAX_MEMBERS", 100)  # 50,000 in production
    buffer = io.BytesIO()
    with stdlib_zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("header.json", json.dumps(header()))
        for index in range(100):
            archive.writestr(f"samples/{index}", b"")
    response = post(api, world.evaluator, world.register("Aster"), upload("many.eval", buffer.getvalue()))
    assert response.status_code == 413
    assert response.json()["detail"] == "The archive lists 101 members; at most 100 are read."


def test_lm_eval_results_with_more_tasks_than_are_read_are_400(world, api, benchmarks):
    tasks = {f"task_{index}": {"acc,none": 0.5} for index in range(5001)}
    content = json.dumps({"results": tasks, "versions": {}, "lm_eval_version": "0.4.8"}).encode()
    response = post(api, world.evaluator, world.register("Aster"), upload("results.json", content))
    assert response.status_code == 400
    assert response.json()["file"] == ["The results hold 5001 tasks; at most 5000 are read from one file."]
