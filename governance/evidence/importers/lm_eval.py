"""lm-evaluation-harness results JSON: one entry per task under ``results``, metrics keyed
like ``acc,none`` (metric, filter) since 0.4; 0.3 wrote bare keys (``acc``), which are the
unfiltered metric and are read as ``acc,none``."""

import hashlib
import json
import math
from datetime import UTC, date, datetime
from typing import Any

from governance.evidence.importers import NotALog, ParsedLog, TaskScores, mapping, name, number, obj

MAX_TASKS = 5000
"""The largest suites (BIG-bench, MMLU's subtasks, the leaderboards) have a few hundred."""


def _run_date(stamp: Any) -> date | None:
    value = number(stamp)
    if value is None or not math.isfinite(value):
        return None
    try:
        return datetime.fromtimestamp(value, tz=UTC).date()
    except (OverflowError, OSError, ValueError):
        return None


def _model(data: dict[str, Any]) -> str:
    config = mapping(data.get("config"))
    parts = [config.get("model"), config.get("model_args"), data.get("model_name")]
    return json.dumps(parts, sort_keys=True, default=str)


def run_identity(data: dict[str, Any], task: str) -> str:
    """Model, task and the task's hash and run date where the file has them (``""`` when it
    has neither: such a file is recognised by its SHA-256 alone)."""
    task_hash = mapping(data.get("task_hashes")).get(task)
    task_hash = task_hash if isinstance(task_hash, str) else ""
    stamp = number(data.get("date"))
    stamp = stamp if stamp is not None and math.isfinite(stamp) else None
    if not task_hash and stamp is None:
        return ""
    key = json.dumps([_model(data), task, task_hash, stamp], default=str)
    return "lm-eval:" + hashlib.sha256(key.encode("utf-8", "backslashreplace")).hexdigest()


def parse_results(data: dict[str, Any]) -> ParsedLog:
    results = data["results"]
    if len(results) > MAX_TASKS:
        raise NotALog(f"The results hold {len(results)} tasks; at most {MAX_TASKS} are read from one file.")
    entries = {
        name(task, "A task name under results"): obj(values, f"results[{task[:100]!r}]")
        for task, values in results.items()
    }
    # 0.4 writes "configs" and (from 0.4.1) its version; 0.3 wrote neither and no filters.
    legacy = not ("configs" in data or "lm_eval_version" in data) and not any(
        "," in key for values in entries.values() for key in values
    )
    version = data.get("lm_eval_version")
    layout = "lm-eval 0.3 (metric keys without a filter)" if legacy else f"lm-eval {str(version or '0.4')[:20]}"
    parsed = ParsedLog(format="lm-eval", run_date=_run_date(data.get("date")), layout=layout)
    for task, values in entries.items():
        metrics: dict[str, float] = {}
        for key, raw in values.items():
            value = number(raw)
            if value is None or (not legacy and "," not in key):
                continue
            key = name(key, f"A metric of {task[:100]!r}")
            metrics[f"{key},none" if legacy else key] = value
        parsed.tasks.append(TaskScores(task=task, metrics=metrics, run_identity=run_identity(data, task)))
    return parsed


def read_metric(metrics: dict[str, float], wanted: str) -> float | None:
    """``acc,none`` exactly, or a bare ``acc`` meaning the unfiltered ``acc,none``."""
    if wanted in metrics:
        return metrics[wanted]
    return metrics.get(f"{wanted},none")
