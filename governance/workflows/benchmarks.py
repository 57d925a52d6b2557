"""A change to what decides a benchmark's evidence (SPEC sections 11 and 22): its place on
the approved list, its scale or its direction. The benchmark changes (registry), the results
on it are normalized again when the scale or direction moved and the capabilities of the
models with results on it are worked out again (evidence), all in one transaction; then
those models are revalidated through the one tier-change pipeline, in the background."""

from typing import Any

from django.db import transaction

from governance.evidence import capabilities
from governance.evidence import services as evidence
from governance.evidence.selectors import models_evaluated_on
from governance.platform.jobs import REVALIDATE_MODELS, enqueue
from governance.registry import services as registry
from governance.registry.models import Benchmark

RESCALING = frozenset({"scale_min", "scale_max", "higher_is_more_capable"})


def change_benchmark(*, by: Any, benchmark: Benchmark, reason: str, **changes: Any) -> Benchmark:
    with transaction.atomic():
        benchmark, changed = registry.change_benchmark(by=by, benchmark=benchmark, reason=reason, **changes)
        if changed & RESCALING:
            evidence.renormalize(benchmark=benchmark, by=by)
        if changed and (model_ids := models_evaluated_on(benchmark.pk)):
            capabilities.refresh(model_ids=model_ids, domain_ids=[benchmark.domain_id])
            enqueue(REVALIDATE_MODELS, model_ids, cause="new_evidence")
    return benchmark
