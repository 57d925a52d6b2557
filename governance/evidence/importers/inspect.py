"""Inspect AI eval logs: the JSON format, or the zipped ``.eval`` whose ``header.json``
holds the same header. One task per log (``eval.task``); metrics per scorer in
``results.scores[].metrics``."""

import io
import json
from datetime import date, datetime
from typing import Any

from backports.zstd import zipfile  # .eval archives are zstd-compressed

from governance.evidence.importers import NotALog, ParsedLog, TaskScores


def parse_eval_zip(content: bytes) -> ParsedLog:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        header = json.loads(archive.read("header.json"))
    except KeyError as error:
        raise NotALog("The archive has no header.json: it is not an Inspect .eval log.") from error
    except (zipfile.BadZipFile, ValueError, NotImplementedError) as error:
        raise NotALog(f"The archive cannot be read: {error}.") from error
    if not isinstance(header, dict) or "eval" not in header:
        raise NotALog("header.json is not an Inspect eval log header.")
    return parse_header(header)


def _run_date(header: dict[str, Any]) -> date | None:
    for value in (header.get("stats", {}).get("completed_at"), header.get("eval", {}).get("created")):
        if isinstance(value, str) and value:
            try:
                return datetime.fromisoformat(value).date()
            except ValueError:
                continue
    return None


def parse_header(header: dict[str, Any]) -> ParsedLog:
    eval_info = header.get("eval")
    if not isinstance(eval_info, dict) or not isinstance(eval_info.get("task"), str):
        raise NotALog("The log names no task (eval.task).")
    task = eval_info["task"]
    parsed = ParsedLog(format="inspect", run_date=_run_date(header))
    status = header.get("status")
    if status != "success":
        parsed.failure = f"The run's status is {status!r}: only completed runs (status 'success') count."
        parsed.tasks.append(TaskScores(task=task, metrics={}))
        return parsed
    metrics: dict[str, float] = {}
    scores = (header.get("results") or {}).get("scores") or []
    for score in scores:
        scorer = score.get("name") or score.get("scorer")
        for name, metric in (score.get("metrics") or {}).items():
            value = metric.get("value") if isinstance(metric, dict) else None
            if isinstance(value, int | float) and not isinstance(value, bool):
                metrics[f"{scorer}/{name}"] = float(value)
    parsed.tasks.append(TaskScores(task=task, metrics=metrics))
    return parsed


def read_metric(metrics: dict[str, float], wanted: str) -> float | None:
    """``accuracy`` → the first scorer's accuracy; ``scorer/metric`` → exactly that one."""
    if "/" in wanted:
        return metrics.get(wanted)
    for key, value in metrics.items():
        if key.split("/", 1)[1] == wanted:
            return value
    return None
