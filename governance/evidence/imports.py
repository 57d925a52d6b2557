"""Importing evaluation logs: one result per recognised task, every problem reported
with its reason, and the same file or the same run twice creates nothing (SPEC section 11).

This module is the one writer of imports: the readers in ``importers/`` only parse. A file's
import is one transaction: each task is either created or reported with its reason, and
the stored copy of the file is kept only when a result points at it.
"""

import contextlib
import hashlib
import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from governance.evidence import services
from governance.evidence.importers import (
    ZIP_MAGIC,
    LogTooLarge,
    NotALog,
    ParsedLog,
    TaskScores,
    inspect,
    lm_eval,
    parse_log,
)
from governance.evidence.models import EvaluationResult
from governance.platform.errors import DomainError, Invalid, TooLarge
from governance.registry.models import AIModel, Benchmark

READERS = {"inspect": inspect.read_metric, "lm-eval": lm_eval.read_metric}
RAW_SCORE_LIMIT = Decimal(10) ** 10
"""Raw scores are stored with 14 digits, 4 after the point."""
LISTED_METRICS = 40


@dataclass
class ImportReport:
    created: list[EvaluationResult] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: dict[int, list[str]] = field(default_factory=dict)
    """Result id → what the importer assumed for it (a missing run date, say)."""

    def rows(self) -> list[tuple[EvaluationResult, list[str]]]:
        return [(result, self.warnings.get(result.pk, [])) for result in self.created]


@dataclass
class _Planned:
    task: str
    benchmark: Benchmark
    raw_score: Decimal
    run_date: date
    run_identity: str
    warnings: list[str]


def import_log(*, by: Any, model: AIModel, upload: UploadedFile) -> ImportReport:
    if (upload.size or 0) > settings.MAX_UPLOAD_BYTES:
        raise TooLarge(f"The file is {upload.size} bytes; at most {settings.MAX_UPLOAD_BYTES} bytes are accepted.")
    content = upload.read()
    try:
        parsed = parse_log(content, upload.name or "")
    except LogTooLarge as error:
        raise TooLarge(str(error)) from error
    except NotALog as error:
        raise Invalid(fields={"file": [str(error)]}) from error
    services.submitter_provenance(by, model)  # 403 before anything is stored
    digest = hashlib.sha256(content).hexdigest()
    report = ImportReport()
    if parsed.failure:
        report.errors = [{"task": t.task, "reason": parsed.failure} for t in parsed.tasks]
        return report
    planned = _plan(parsed, model=model, digest=digest, report=report)
    if planned:
        _create(planned, by=by, model=model, digest=digest, content=content, report=report)
    return report


def _plan(parsed: ParsedLog, *, model: AIModel, digest: str, report: ImportReport) -> list[_Planned]:
    """Decide, without writing, what each task would create or why it cannot."""
    tasks = parsed.tasks
    benchmarks = {b.external_id: b for b in Benchmark.objects.filter(external_id__in=[t.task for t in tasks])}
    identities = [t.run_identity for t in tasks if t.run_identity]
    seen = list(
        EvaluationResult.objects.filter(model=model, benchmark__in=benchmarks.values())
        .filter(Q(artifact_sha256=digest) | Q(run_identity__in=identities))
        .values_list("benchmark_id", "artifact_sha256", "run_identity")
    )
    same_file = {benchmark_id for benchmark_id, sha, _ in seen if sha == digest}
    same_run = {(benchmark_id, identity) for benchmark_id, _, identity in seen if identity}
    today = timezone.localdate()
    planned: list[_Planned] = []
    for task in tasks:
        benchmark = benchmarks.get(task.task)
        if benchmark is None:
            report.errors.append({"task": task.task, "reason": "No benchmark has this task as its external id."})
            continue
        score, reason = _score(parsed, task, benchmark, today)
        if reason is None and benchmark.pk in same_file:
            reason = "This file was already imported for this model."
        if reason is None and (benchmark.pk, task.run_identity) in same_run:
            reason = f"This run ({task.run_identity}) was already imported for this model, from this or another file."
        if score is None or reason is not None:
            report.errors.append({"task": task.task, "reason": reason or ""})
            continue
        warnings = []
        if parsed.run_date is None:
            warnings.append(f"The log gives no run date: today's date ({today.isoformat()}) was recorded.")
        planned.append(
            _Planned(
                task=task.task,
                benchmark=benchmark,
                raw_score=score,
                run_date=parsed.run_date or today,
                run_identity=task.run_identity,
                warnings=warnings,
            )
        )
    return planned


def _score(parsed: ParsedLog, task: TaskScores, benchmark: Benchmark, today: date) -> tuple[Decimal | None, str | None]:
    """The raw score the task gives the benchmark, or why it gives none."""
    metric = benchmark.metric
    value = READERS[parsed.format](task.metrics, metric)
    if value is None:
        if not task.metrics:
            return None, f"Metric {metric!r} is not in the log: it reports no metrics for this task ({parsed.layout})."
        names = sorted(task.metrics)
        listed = ", ".join(names[:LISTED_METRICS])
        if len(names) > LISTED_METRICS:
            listed += f" and {len(names) - LISTED_METRICS} more"
        return None, f"Metric {metric!r} is not in the log (it has: {listed})."
    if math.isnan(value) or math.isinf(value):
        shown = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        return None, f"Metric {metric!r} is {shown} in the log: only a finite number is a score."
    raw = Decimal(repr(value))
    if abs(raw) >= RAW_SCORE_LIMIT:
        return None, f"Metric {metric!r} is {value:g} in the log, beyond any benchmark's scale."
    if parsed.run_date is not None and parsed.run_date > today:
        return (
            None,
            f"The log's run date ({parsed.run_date.isoformat()}) is in the future: a result cannot predate its run.",
        )
    return raw.quantize(Decimal("0.0001")), None


def _create(
    planned: list[_Planned],
    *,
    by: Any,
    model: AIModel,
    digest: str,
    content: bytes,
    report: ImportReport,
) -> None:
    """Create the planned results in one transaction; the stored file goes if none is created."""
    suffix = ".eval" if content[:4] == ZIP_MAGIC else ".json"  # what the content is, whatever its name
    stored = default_storage.save(f"evaluations/{digest[:2]}/{digest}{suffix}", ContentFile(content))
    created: list[EvaluationResult] = []
    try:
        with transaction.atomic():
            for plan in planned:
                try:
                    result = services.submit_evaluation(
                        by=by,
                        model=model,
                        benchmark=plan.benchmark,
                        raw_score=plan.raw_score,
                        run_date=plan.run_date,
                        artifact_sha256=digest,
                        artifact_name=stored,
                        run_identity=plan.run_identity,
                    )
                except DomainError as error:  # refused before it wrote anything
                    reason = error.message or "; ".join(m for msgs in (error.fields or {}).values() for m in msgs)
                    report.errors.append({"task": plan.task, "reason": reason})
                    continue
                created.append(result)
                report.warnings[result.pk] = plan.warnings
    except BaseException:
        _discard(stored)
        raise
    if not created:
        _discard(stored)
    report.created.extend(created)


def _discard(name: str) -> None:
    """Remove a stored copy nothing points at (a failure to remove it must not hide why)."""
    with contextlib.suppress(OSError):
        default_storage.delete(name)
