"""lm-evaluation-harness results JSON: one entry per task under ``results``, metrics keyed
like ``acc,none`` (metric, filter)."""

from datetime import UTC, date, datetime
from typing import Any

from governance.evidence.importers import ParsedLog, TaskScores


def parse_results(data: dict[str, Any]) -> ParsedLog:
    run_date: date | None = None
    stamp = data.get("date")
    if isinstance(stamp, int | float):
        run_date = datetime.fromtimestamp(stamp, tz=UTC).date()
    parsed = ParsedLog(format="lm-eval", run_date=run_date)
    for task, values in data["results"].items():
        metrics = {
            key: float(value)
            for key, value in (values or {}).items()
            if "," in key and isinstance(value, int | float) and not isinstance(value, bool)
        }
        parsed.tasks.append(TaskScores(task=task, metrics=metrics))
    return parsed


def read_metric(metrics: dict[str, float], wanted: str) -> float | None:
    """``acc,none`` exactly, or a bare ``acc`` meaning the unfiltered ``acc,none``."""
    if wanted in metrics:
        return metrics[wanted]
    return metrics.get(f"{wanted},none")
