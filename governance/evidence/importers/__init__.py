"""Readers for evaluation log files (SPEC section 11): each turns a file into the tasks it
scored, with every metric it reports, or says why the file is not such a log.

The readers are pure (bytes in, rows out): nothing here touches the database or storage.
Every shape a hostile or broken file can take ends in :class:`NotALog` (400) or
:class:`LogTooLarge` (413), never in another exception (SPEC section 20).
"""

import json
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

MAX_NAME_CHARS = 500
"""Task, scorer and metric names longer than this are not names."""


class NotALog(ValueError):
    """The file is not an evaluation log this system can read."""


class LogTooLarge(NotALog):
    """The log (or a member of its archive) decompresses to more than is accepted."""


@dataclass
class TaskScores:
    task: str
    metrics: dict[str, float]
    """``"scorer/metric"`` (Inspect) or ``"acc,none"`` (lm-eval) → value (may be NaN or infinite:
    the importer reports those rather than the reader hiding them)."""
    run_identity: str = ""
    """What identifies the run that produced these scores, whatever file it arrives in."""


@dataclass
class ParsedLog:
    format: str
    run_date: date | None
    tasks: list[TaskScores] = field(default_factory=list)
    failure: str | None = None
    """Why the whole run does not count (e.g. an Inspect run that did not succeed)."""
    layout: str = ""
    """Which variant of the format the file uses, for messages (e.g. ``"lm-eval 0.3"``)."""


def load_json(content: bytes, what: str = "The file") -> Any:
    """``json.loads`` whose every failure is a :class:`NotALog` with the reason."""
    try:
        return json.loads(content)
    except RecursionError as error:
        raise NotALog(f"{what} is JSON nested too deeply to be an evaluation log.") from error
    except UnicodeDecodeError as error:
        raise NotALog(f"{what} is not UTF-8 text.") from error
    except ValueError as error:  # JSONDecodeError, and integers longer than Python converts
        raise NotALog(f"{what} is not valid JSON ({str(error)[:200]}).") from error


def obj(value: Any, where: str, *, optional: bool = True) -> dict[str, Any]:
    """``value`` as an object; ``None`` (or absent) is an empty one when ``optional``."""
    if value is None and optional:
        return {}
    if not isinstance(value, dict):
        raise NotALog(f"{where} should be an object, not {_kind(value)}.")
    return value


def mapping(value: Any) -> dict[str, Any]:
    """``value`` if it is an object, else an empty one (for parts a log may garble harmlessly)."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise NotALog(f"{where} should be a list, not {_kind(value)}.")
    return value


def name(value: Any, where: str) -> str:
    """A task, scorer or metric name: short text the database and a JSON answer can carry."""
    if not isinstance(value, str) or not value:
        raise NotALog(f"{where} should be a non-empty string, not {_kind(value)}.")
    if len(value) > MAX_NAME_CHARS:
        raise NotALog(f"{where} is {len(value)} characters long; names are at most {MAX_NAME_CHARS}.")
    if "\x00" in value or not _encodable(value):
        raise NotALog(f"{where} contains characters that are not text.")
    return value


def number(value: Any) -> float | None:
    """A JSON number as a float (integers too big for one become infinite); else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from a "\ud800" escape
        return False
    return True


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "a string"


ZIP_MAGIC = b"PK\x03\x04"


def parse_log(content: bytes, filename: str = "") -> ParsedLog:
    """Recognise the format from the content and parse it; a ``.json`` file must hold JSON
    and a ``.eval`` file a zip archive (the name is not trusted, the content decides)."""
    from governance.evidence.importers import inspect, lm_eval

    suffix = Path(filename).suffix.lower()
    is_zip = content[:4] == ZIP_MAGIC
    if suffix == ".json" and is_zip:
        raise NotALog("The file is named .json but holds a zip archive (an Inspect .eval log is named .eval).")
    if suffix == ".eval" and not is_zip:
        raise NotALog("The file is named .eval but is not a zip archive, as Inspect .eval logs are.")
    if is_zip:
        return inspect.parse_eval_zip(content)
    data = load_json(content)
    if not isinstance(data, dict):
        raise NotALog(f"The file's JSON is {_kind(data)}, not an evaluation log object.")
    if "eval" in data and "status" in data:
        return inspect.parse_header(data)
    if isinstance(data.get("results"), dict) and any(
        k in data for k in ("configs", "versions", "lm_eval_version", "config")
    ):
        return lm_eval.parse_results(data)
    raise NotALog("The JSON is neither an Inspect AI eval log nor lm-evaluation-harness results.")
