"""The two yardsticks timed beside the product's revalidation (SPEC 19):

- the **lower bound**: one hand-written SQL statement that aggregates the capability per
  (model, domain) from the results (or, as a second figure, reads it from the capability
  table), applies the tier rule with ``CASE`` (derivative floor included, using the
  parent's current tier) and writes the changed tiers back in bulk; run in a transaction
  that is rolled back;
- a **naive per-model ORM loop** on a sample: load the model, query its evidence, apply
  the pure tier rule, write a determination when the tier changes, save the model;
  rolled back, timed and scaled to the population.
"""

import random
import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from governance.baselines.models import ThresholdEntry, ThresholdSet
from governance.determinations.models import Determination
from governance.evidence.models import Capability, EvaluationResult
from governance.evidence.selectors import evidence
from governance.registry.models import AccreditationCoverage, AIModel, Benchmark, RiskDomain
from governance.tiering.rule import Observation, determine_tier


def _tables(*, from_table: bool = False) -> dict[str, str]:
    quote = connection.ops.quote_name
    names = {
        "result": quote(EvaluationResult._meta.db_table),
        "benchmark": quote(Benchmark._meta.db_table),
        "coverage": quote(AccreditationCoverage._meta.db_table),
        "entry": quote(ThresholdEntry._meta.db_table),
        "domain": quote(RiskDomain._meta.db_table),
        "model": quote(AIModel._meta.db_table),
        "determination": quote(Determination._meta.db_table),
        "capability": quote(Capability._meta.db_table),
    }
    return {**names, "capabilities": (FROM_TABLE if from_table else FROM_RESULTS).format(**names)}


# Each model's capability per domain, aggregated from the results (SPEC section 3) ...
FROM_RESULTS = """
    SELECT r.model_id, b.domain_id, MAX(r.normalized_score) AS c
    FROM {result} r
    JOIN {benchmark} b ON b.id = r.benchmark_id
    WHERE r.status = 'accepted' AND b.standardized AND EXISTS (
        SELECT 1 FROM {coverage} a
        WHERE a.organization_id = r.submitted_by_org_id AND a.domain_id = b.domain_id
          AND a.starts_at <= r.created_at AND r.created_at < a.ends_at
    )
    GROUP BY r.model_id, b.domain_id
"""
# ... or read from the capability table the evidence services keep (what the product reads).
FROM_TABLE = "SELECT model_id, domain_id, score AS c FROM {capability}"

# The tier rule of SPEC section 3 in SQL: ``assessed`` has every model's tier under the set.
ASSESSED_CTE = """
WITH capability AS ({capabilities}), flags AS (
    SELECT cap.model_id,
           bool_or(d.catastrophic AND e.critical IS NOT NULL AND cap.c > e.critical) AS t4,
           bool_or(cap.c >= e.high) AS t3,
           bool_or(cap.c >= e.low) AS t2,
           count(*) AS covered
    FROM capability cap
    JOIN {entry} e ON e.domain_id = cap.domain_id AND e.threshold_set_id = %(set)s
    JOIN {domain} d ON d.id = cap.domain_id
    GROUP BY cap.model_id
), rule AS (
    SELECT m.id,
           CASE WHEN f.t4 THEN 4 WHEN f.t3 THEN 3 WHEN f.t2 THEN 2
                WHEN f.covered = %(active)s THEN 1 ELSE 2 END AS rule_tier,
           COALESCE(f.covered, 0) = %(active)s AS complete,
           p.current_tier AS parent_tier
    FROM {model} m
    LEFT JOIN flags f ON f.model_id = m.id
    LEFT JOIN {model} p ON p.id = m.parent_id
), assessed AS (
    SELECT id, complete,
           CASE WHEN NOT complete AND parent_tier > rule_tier THEN parent_tier ELSE rule_tier END AS tier
    FROM rule
)
"""

LOWER_BOUND_SQL = (
    ASSESSED_CTE
    + """
UPDATE {model} m SET current_tier = a.tier, evidence_complete = a.complete
FROM assessed a
WHERE m.id = a.id AND (m.current_tier IS DISTINCT FROM a.tier OR m.evidence_complete <> a.complete)
"""
)

# After the product's run: models whose effective assessment (the pending relaxation if
# any, else the tier in force) differs from the SQL rule.
AGREEMENT_SQL = (
    ASSESSED_CTE
    + """
SELECT count(*) FILTER (WHERE COALESCE(d.tier, m.current_tier) IS DISTINCT FROM a.tier), count(*)
FROM assessed a
JOIN {model} m ON m.id = a.id
LEFT JOIN {determination} d ON d.model_id = m.id AND d.status = 'pending_confirmation'
"""
)


def _params(threshold_set: ThresholdSet) -> dict[str, Any]:
    return {"set": threshold_set.pk, "active": threshold_set.entries.count()}


def lower_bound(threshold_set: ThresholdSet, *, from_table: bool = False) -> dict[str, Any]:
    """Time the one-statement aggregation + bulk write; roll it back. SPEC 19's bound
    aggregates the results; ``from_table`` reads the capability table instead."""
    sql = LOWER_BOUND_SQL.format(**_tables(from_table=from_table))
    with transaction.atomic():
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(sql, _params(threshold_set))
            elapsed = time.perf_counter() - started
            changed = cursor.rowcount
        transaction.set_rollback(True)
    return {"seconds": elapsed, "rows_written": changed}


def agreement(threshold_set: ThresholdSet) -> tuple[int, int]:
    """(models where the product and the SQL rule disagree, models)."""
    with connection.cursor() as cursor:
        cursor.execute(AGREEMENT_SQL.format(**_tables()), _params(threshold_set))
        mismatches, total = cursor.fetchone()
    return mismatches, total


def follow_ups() -> dict[str, Any]:
    """What the product wrote besides the tiers, to check against its report: re-reviews
    opened for the baseline shift, and whether the audit chain still verifies."""
    from governance.audit.services import verify_chain
    from governance.cases.models import ReReview

    return {
        "baseline_rereviews": ReReview.objects.filter(trigger=ReReview.Trigger.BASELINE_SHIFT).count(),
        "chain_ok": verify_chain().ok,
    }


def naive_loop(threshold_set: ThresholdSet, thresholds: list, *, sample: int, seed: int = 19) -> dict[str, Any]:
    """Per model: ORM reads, the pure rule, ORM writes. Rolled back."""
    ids = list(AIModel.objects.values_list("id", flat=True))
    chosen = random.Random(seed).sample(ids, min(sample, len(ids)))
    changed = 0
    with transaction.atomic():
        started = time.perf_counter()
        for pk in chosen:
            model = AIModel.objects.get(pk=pk)
            observations = [
                Observation(result.benchmark.domain.slug, result.normalized_score, result.pk)
                for result in evidence().filter(model=model).select_related("benchmark__domain")
            ]
            parent_tier = model.parent.current_tier if model.parent_id else None
            outcome = determine_tier(
                thresholds=thresholds,
                observations=observations,
                parent_tier=parent_tier,
                threshold_set=threshold_set.version,
            )
            if outcome.tier != model.current_tier:
                now = timezone.now()
                previous = model.determinations.filter(status=Determination.Status.IN_FORCE).first()
                if previous is not None:
                    previous.status = Determination.Status.SUPERSEDED
                    previous.superseded_at = now
                    previous.save(update_fields=["status", "superseded_at"])
                Determination.objects.create(
                    model=model,
                    tier=outcome.tier,
                    kind=Determination.Kind.REVALIDATION,
                    status=Determination.Status.IN_FORCE,
                    threshold_set=threshold_set,
                    basis=outcome.basis,
                    evidence_complete=outcome.evidence_complete,
                    rationale="Naive loop.",
                    effective_from=now,
                    previous=previous,
                    previous_tier=model.current_tier,
                )
                changed += 1
            model.current_tier = outcome.tier
            model.evidence_complete = outcome.evidence_complete
            model.save(update_fields=["current_tier", "evidence_complete", "updated_at"])
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return {"seconds": elapsed, "sample": len(chosen), "changed": changed, "population": len(ids)}
