"""Inspect AI eval logs: the JSON format, or the zipped ``.eval`` whose ``header.json``
holds the same header. One task per log (``eval.task``); metrics per scorer in
``results.scores[].metrics`` (log versions 2 and 3), or in ``results.metrics`` with one
``results.scorer`` (the layout of May 2024, log version 1)."""

from datetime import UTC, date, datetime
from typing import Any

from governance.evidence.importers import (
    NotALog,
    ParsedLog,
    TaskScores,
    archive,
    as_list,
    load_json,
    mapping,
    name,
    number,
    obj,
)

MAX_HEADER_BYTES = 16 * 1024 * 1024
"""``header.json`` holds no samples: a real one is a few kilobytes."""
MAX_RATIO = 100
MAX_MEMBERS = 50_000
"""A sample per member (and per epoch): more than any log under the upload limit holds."""

MAY_2024 = "the May-2024 layout (results.scorer with results.metrics)"


def parse_eval_zip(content: bytes) -> ParsedLog:
    zipped = archive.open_archive(content, max_members=MAX_MEMBERS)
    try:
        info = zipped.getinfo("header.json")
    except KeyError as error:
        raise NotALog("The archive has no header.json: it is not a finished Inspect .eval log.") from error
    data = archive.read_member(content, info, max_bytes=MAX_HEADER_BYTES, max_ratio=MAX_RATIO)
    header = load_json(data, "header.json")
    if not isinstance(header, dict) or "eval" not in header:
        raise NotALog("header.json is not an Inspect eval log header.")
    return parse_header(header)


def _run_date(header: dict[str, Any]) -> date | None:
    for value in (mapping(header.get("stats")).get("completed_at"), mapping(header.get("eval")).get("created")):
        if isinstance(value, str) and 0 < len(value) <= 64:
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                continue
            # The date in UTC, as the server's "today" is: a run finished this morning in
            # Auckland is not in the future.
            return (moment.astimezone(UTC) if moment.tzinfo else moment).date()
    return None


def run_identity(eval_info: dict[str, Any]) -> str:
    """``inspect:<run_id>``: the same run whether it arrives as JSON or as ``.eval``."""
    run_id = eval_info.get("run_id")
    if not isinstance(run_id, str) or not run_id:
        return ""
    return f"inspect:{name(run_id, 'eval.run_id')[:200]}"


def parse_header(header: dict[str, Any]) -> ParsedLog:
    eval_info = header.get("eval")
    if not isinstance(eval_info, dict) or not isinstance(eval_info.get("task"), str):
        raise NotALog("The log names no task (eval.task).")
    task = name(eval_info["task"], "eval.task")
    identity = run_identity(eval_info)
    results = obj(header.get("results"), "results")
    layout = MAY_2024 if "scores" not in results and "metrics" in results else "Inspect"
    parsed = ParsedLog(format="inspect", run_date=_run_date(header), layout=layout)
    status = header.get("status")
    if status != "success":
        parsed.failure = f"The run's status is {str(status)[:40]!r}: only completed runs (status 'success') count."
        parsed.tasks.append(TaskScores(task=task, metrics={}, run_identity=identity))
        return parsed
    metrics: dict[str, float] = {}
    if layout == MAY_2024:
        scorer_info = obj(results.get("scorer"), "results.scorer")
        if "name" not in scorer_info:
            raise NotALog(f"The log uses {MAY_2024} but names no scorer (results.scorer.name).")
        scorer = name(scorer_info["name"], "results.scorer.name")
        _read_metrics(metrics, scorer, results.get("metrics"), "results.metrics")
    else:
        for index, score in enumerate(as_list(results.get("scores"), "results.scores")):
            where = f"results.scores[{index}]"
            score = obj(score, where, optional=False)
            scorer = name(score.get("name") or score.get("scorer"), f"{where}.name")
            _read_metrics(metrics, scorer, score.get("metrics"), f"{where}.metrics")
    parsed.tasks.append(TaskScores(task=task, metrics=metrics, run_identity=identity))
    return parsed


def _read_metrics(into: dict[str, float], scorer: str, metrics: Any, where: str) -> None:
    for key, metric in obj(metrics, where).items():
        value = number(metric.get("value")) if isinstance(metric, dict) else number(metric)
        if value is not None:
            into[f"{scorer}/{name(key, f'{where} key')}"] = value


def read_metric(metrics: dict[str, float], wanted: str) -> float | None:
    """``accuracy`` → the first scorer's accuracy; ``scorer/metric`` → exactly that one."""
    if "/" in wanted:
        return metrics.get(wanted)
    for key, value in metrics.items():
        if key.rsplit("/", 1)[-1] == wanted:
            return value
    return None
