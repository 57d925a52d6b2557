"""Readers for evaluation log files (SPEC section 11): each turns a file into the tasks it
scored, with every metric it reports, or says why the file is not such a log."""

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any


class NotALog(ValueError):
    """The file is not an evaluation log this system can read."""


@dataclass
class TaskScores:
    task: str
    metrics: dict[str, float]
    """``"scorer/metric"`` (Inspect) or ``"acc,none"`` (lm-eval) → value."""


@dataclass
class ParsedLog:
    format: str
    run_date: date | None
    tasks: list[TaskScores] = field(default_factory=list)
    failure: str | None = None
    """Why the whole run does not count (e.g. an Inspect run that did not succeed)."""


def parse_log(content: bytes, filename: str = "") -> ParsedLog:
    """Recognise the format from the content (and a ``.eval`` name) and parse it."""
    from governance.evidence.importers import inspect, lm_eval

    if content[:4] == b"PK\x03\x04":
        return inspect.parse_eval_zip(content)
    try:
        data: Any = json.loads(content)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotALog("The file is neither JSON nor a zipped Inspect .eval log.") from error
    if not isinstance(data, dict):
        raise NotALog("The file's JSON is not an evaluation log object.")
    if "eval" in data and "status" in data:
        return inspect.parse_header(data)
    if isinstance(data.get("results"), dict) and ("configs" in data or "versions" in data or "lm_eval_version" in data):
        return lm_eval.parse_results(data)
    raise NotALog("The JSON is neither an Inspect AI eval log nor lm-evaluation-harness results.")
