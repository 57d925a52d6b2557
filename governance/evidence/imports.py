"""Importing evaluation logs: one result per recognised task, every problem reported
with its reason, and the same file twice creates nothing (SPEC section 11)."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from governance.evidence import services
from governance.evidence.importers import NotALog, inspect, lm_eval, parse_log
from governance.evidence.models import EvaluationResult
from governance.platform.errors import DomainError, Invalid, TooLarge
from governance.registry.models import AIModel, Benchmark

READERS = {"inspect": inspect.read_metric, "lm-eval": lm_eval.read_metric}


@dataclass
class ImportReport:
    created: list[EvaluationResult] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)


def import_log(*, by: Any, model: AIModel, upload: UploadedFile) -> ImportReport:
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise TooLarge(f"The file is {upload.size} bytes; at most {settings.MAX_UPLOAD_BYTES} bytes are accepted.")
    content = upload.read()
    try:
        parsed = parse_log(content, upload.name or "")
    except NotALog as error:
        raise Invalid(fields={"file": [str(error)]}) from error
    services.submitter_provenance(by, model)  # 403 before anything is stored
    digest = hashlib.sha256(content).hexdigest()
    report = ImportReport()
    if parsed.failure:
        report.errors = [{"task": t.task, "reason": parsed.failure} for t in parsed.tasks]
        return report
    benchmarks = {b.external_id: b for b in Benchmark.objects.filter(external_id__in=[t.task for t in parsed.tasks])}
    stored_name: str | None = None
    for task in parsed.tasks:
        benchmark = benchmarks.get(task.task)
        if benchmark is None:
            report.errors.append({"task": task.task, "reason": "No benchmark has this task as its external id."})
            continue
        value = READERS[parsed.format](task.metrics, benchmark.metric)
        if value is None:
            available = ", ".join(sorted(task.metrics)) or "none"
            report.errors.append(
                {"task": task.task, "reason": f"Metric {benchmark.metric!r} is not in the log (it has: {available})."}
            )
            continue
        if EvaluationResult.objects.filter(model=model, benchmark=benchmark, artifact_sha256=digest).exists():
            report.errors.append({"task": task.task, "reason": "This file was already imported for this model."})
            continue
        if stored_name is None:
            suffix = Path(upload.name or "").suffix[:10]
            stored_name = default_storage.save(f"evaluations/{digest[:2]}/{digest}{suffix}", ContentFile(content))
        try:
            result = services.submit_evaluation(
                by=by,
                model=model,
                benchmark=benchmark,
                raw_score=Decimal(str(value)).quantize(Decimal("0.0001")),
                run_date=min(parsed.run_date or timezone.localdate(), timezone.localdate()),
                artifact_sha256=digest,
                artifact_name=stored_name,
            )
        except DomainError as error:
            reason = error.message or "; ".join(m for msgs in (error.fields or {}).values() for m in msgs)
            report.errors.append({"task": task.task, "reason": reason})
            continue
        report.created.append(result)
    return report
