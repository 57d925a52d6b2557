"""Revalidation of every model after a baseline shift, and the impact preview of a
threshold set (SPEC sections 8 and 19).

Set-based and chunked: per chunk, one query reads the models and one the evidence; each
model goes through the same pure tier rule as everywhere else; all writes for the chunk
happen in bulk in one transaction. Models are taken generation by generation (roots
first) so a parent's new tier is known before its derivatives' floor is applied. Each
chunk commits on its own and the writes are idempotent, so a run killed midway is
finished by running it again; a second complete run writes nothing.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from governance.audit.services import PendingEvent, jsonable, record_many
from governance.baselines.models import ThresholdSet
from governance.baselines.selectors import threshold_set_in_force, thresholds_of
from governance.determinations.models import Determination
from governance.determinations.services import automatic_rationale
from governance.evidence.selectors import evidence
from governance.notifications.models import Notification
from governance.registry.models import AIModel
from governance.tiering.calendar import add_months
from governance.tiering.changes import Change, plan_change
from governance.tiering.rule import DomainThreshold, Observation, TierOutcome, determine_tier

_RUN_LOCK_KEY = 0x52455641  # PostgreSQL advisory lock: one revalidation run at a time


@dataclass
class RunReport:
    models: int = 0
    escalations: int = 0
    relaxations: int = 0
    initial: int = 0
    chunks: int = 0
    changed_ids: list[int] = field(default_factory=list)
    skipped_locked: bool = False  # another run held the lock: this one did nothing

    @property
    def written(self) -> int:
        return self.escalations + self.relaxations + self.initial


def generations() -> Iterator[list[int]]:
    """Model ids by lineage depth: roots, then their children, and so on (one query each)."""
    frontier = list(AIModel.objects.filter(parent__isnull=True).order_by("id").values_list("id", flat=True))
    seen: set[int] = set()
    while frontier:
        seen.update(frontier)
        yield frontier
        children = AIModel.objects.filter(parent_id__in=frontier).order_by("id").values_list("id", flat=True)
        frontier = [pk for pk in children.iterator(chunk_size=10000) if pk not in seen]


def chunks(chunk_size: int) -> Iterator[list[int]]:
    for generation in generations():
        for start in range(0, len(generation), chunk_size):
            yield generation[start : start + chunk_size]


def observations_by_model(model_ids: list[int]) -> dict[int, list[Observation]]:
    """Every piece of evidence of the chunk's models, in one query."""
    found: dict[int, list[Observation]] = defaultdict(list)
    rows = (
        evidence()
        .filter(model_id__in=model_ids)
        .values_list("model_id", "benchmark__domain__slug", "normalized_score", "id")
    )
    for model_id, slug, score, pk in rows.iterator(chunk_size=20000):
        found[model_id].append(Observation(slug, score, pk))
    return found


def best_scores_by_model(model_ids: list[int]) -> dict[int, list[Observation]]:
    """The best evidence score per model and domain, aggregated by the database: all the
    tier needs when no basis is kept (the impact preview), at half the rows."""
    found: dict[int, list[Observation]] = defaultdict(list)
    rows = (
        evidence()
        .filter(model_id__in=model_ids)
        .values("model_id", "benchmark__domain__slug")
        .annotate(best=Max("normalized_score"))
        .values_list("model_id", "benchmark__domain__slug", "best")
        .order_by()
    )
    for model_id, slug, score in rows.iterator(chunk_size=20000):
        found[model_id].append(Observation(slug, score, 0))
    return found


def assess_chunk(
    model_ids: list[int],
    thresholds: list[DomainThreshold],
    version: str,
    parent_tiers: dict[int, int | None] | None = None,
    *,
    observe: Callable[[list[int]], dict[int, list[Observation]]] = observations_by_model,
) -> tuple[list[dict[str, Any]], dict[int, TierOutcome]]:
    """The chunk's models (id, tiers, parent's tier, pending tier) and their assessments."""
    pending = Determination.objects.filter(model=OuterRef("pk"), status=Determination.Status.PENDING_CONFIRMATION)
    rows = list(
        AIModel.objects.filter(pk__in=model_ids)
        .annotate(pending_tier=Subquery(pending.values("tier")[:1]), pending_id=Subquery(pending.values("pk")[:1]))
        .values(
            "id",
            "name",
            "version",
            "developer_id",
            "parent_id",
            "current_tier",
            "evidence_complete",
            "parent__current_tier",
            "pending_tier",
            "pending_id",
        )
    )
    observed = observe(model_ids)
    outcomes = {}
    for row in rows:
        parent_tier = row["parent__current_tier"] if row["parent_id"] else None
        if parent_tiers is not None and row["parent_id"] in parent_tiers:
            parent_tier = parent_tiers[row["parent_id"]]
        outcomes[row["id"]] = determine_tier(
            thresholds=thresholds,
            observations=observed.get(row["id"], ()),
            parent_tier=parent_tier,
            threshold_set=version,
        )
    return rows, outcomes


@contextmanager
def _run_lock() -> Iterator[bool]:
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_RUN_LOCK_KEY])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_RUN_LOCK_KEY])


def revalidate_all(*, chunk_size: int | None = None, dry_run: bool = False) -> RunReport:
    """Re-determine every model under the threshold set in force."""
    chunk_size = chunk_size or settings.REVALIDATION_CHUNK_SIZE
    report = RunReport()
    threshold_set = threshold_set_in_force()
    if threshold_set is None:
        return report
    thresholds = thresholds_of(threshold_set)
    with _run_lock() as acquired:
        if not acquired:
            report.skipped_locked = True  # another run is under way; it will cover every model
            return report
        in_force: dict[int, int | None] = {}  # tiers in force after this run, for the floor
        for model_ids in chunks(chunk_size):
            with transaction.atomic():
                rows, outcomes = assess_chunk(model_ids, thresholds, threshold_set.version, parent_tiers=in_force)
                _apply_chunk(rows, outcomes, threshold_set, report, dry_run=dry_run)
                for row in rows:
                    plan = plan_change(
                        current=row["current_tier"], pending=row["pending_tier"], assessed=outcomes[row["id"]].tier
                    )
                    keeps = plan.change in (Change.NONE, Change.RELAX)
                    in_force[row["id"]] = row["current_tier"] if keeps else outcomes[row["id"]].tier
                if dry_run:
                    transaction.set_rollback(True)
            report.chunks += 1
            report.models += len(rows)
    return report


def _apply_chunk(
    rows: list[dict[str, Any]],
    outcomes: dict[int, TierOutcome],
    threshold_set: ThresholdSet,
    report: RunReport,
    *,
    dry_run: bool,
) -> None:
    now = timezone.now()
    today = timezone.localdate(now)
    supersede_ids: list[int] = []
    pending_to_drop: list[int] = []
    creations: list[tuple[dict[str, Any], Determination, Change]] = []
    complete_only: dict[bool, list[int]] = {True: [], False: []}
    for row in rows:
        outcome = outcomes[row["id"]]
        plan = plan_change(current=row["current_tier"], pending=row["pending_tier"], assessed=outcome.tier)
        if plan.supersede_pending:
            pending_to_drop.append(row["pending_id"])
        if plan.change is Change.NONE:
            if row["current_tier"] is not None and row["evidence_complete"] != outcome.evidence_complete:
                complete_only[outcome.evidence_complete].append(row["id"])
            continue
        in_force = plan.change is not Change.RELAX
        determination = Determination(
            model_id=row["id"],
            tier=outcome.tier,
            kind=Determination.Kind.INITIAL if plan.change is Change.INITIAL else Determination.Kind.REVALIDATION,
            status=Determination.Status.IN_FORCE if in_force else Determination.Status.PENDING_CONFIRMATION,
            threshold_set=threshold_set,
            basis=outcome.basis,
            evidence_complete=outcome.evidence_complete,
            rationale=automatic_rationale(plan.change, row["current_tier"], outcome.tier),
            effective_from=now if in_force else None,
            previous_tier=row["current_tier"],
        )
        creations.append((row, determination, plan.change))
        if in_force and row["current_tier"] is not None:
            supersede_ids.append(row["id"])
    if dry_run:
        _count(creations, report)
        return

    events: list[PendingEvent] = []
    if pending_to_drop:
        Determination.objects.filter(pk__in=pending_to_drop).update(
            status=Determination.Status.SUPERSEDED, superseded_at=now
        )
        events += [
            PendingEvent(
                "determination.superseded",
                "determinations.determination",
                str(pk),
                {"status": ["pending_confirmation", "superseded"]},
            )
            for pk in pending_to_drop
        ]
    previous = dict(
        Determination.objects.filter(model_id__in=supersede_ids, status=Determination.Status.IN_FORCE).values_list(
            "model_id", "pk"
        )
    )
    if previous:
        Determination.objects.filter(pk__in=previous.values()).update(
            status=Determination.Status.SUPERSEDED, superseded_at=now
        )
        events += [
            PendingEvent(
                "determination.superseded",
                "determinations.determination",
                str(pk),
                {"status": ["in_force", "superseded"]},
            )
            for pk in previous.values()
        ]
    for row, determination, _ in creations:
        determination.previous_id = previous.get(row["id"])
    Determination.objects.bulk_create([d for _, d, _ in creations], batch_size=1000)

    in_force_models = []
    for row, determination, change in creations:
        events.append(
            PendingEvent(
                "determination.created",
                "determinations.determination",
                str(determination.pk),
                jsonable(
                    {
                        "tier": [None, determination.tier],
                        "kind": [None, determination.kind],
                        "status": [None, determination.status],
                        "threshold_set": [None, threshold_set.version],
                    }
                ),
                row["developer_id"],
            )
        )
        if change is not Change.RELAX:
            model = AIModel(
                pk=row["id"],
                current_tier=determination.tier,
                evidence_complete=determination.evidence_complete,
                tier_effective_from=now,
                next_review_due=add_months(today, settings.REVIEW_CADENCE_MONTHS[determination.tier]),
            )
            in_force_models.append(model)
    if in_force_models:
        AIModel.objects.bulk_update(
            in_force_models,
            ["current_tier", "evidence_complete", "tier_effective_from", "next_review_due"],
            batch_size=1000,
        )
    for complete, ids in complete_only.items():
        if ids:
            AIModel.objects.filter(pk__in=ids).update(evidence_complete=complete)
    record_many(events)
    _notify(creations)
    _follow_up(creations)
    _count(creations, report)


def _count(creations: list, report: RunReport) -> None:
    for row, _, change in creations:
        report.changed_ids.append(row["id"])
        if change is Change.INITIAL:
            report.initial += 1
        elif change is Change.ESCALATE:
            report.escalations += 1
        else:
            report.relaxations += 1


def _notify(creations: list) -> None:
    """One inbox entry per developer member per changed model, written in bulk."""
    from governance.notifications.services import member_ids_by_organization, send_in_bulk

    if not creations:
        return
    members = member_ids_by_organization(row["developer_id"] for row, _, _ in creations)
    rows = []
    for row, determination, change in creations:
        label = f"{row['name']} {row['version']}"
        subject = (
            f"{label}: relaxation to Tier {determination.tier} awaits confirmation"
            if change is Change.RELAX
            else f"{label} is now Tier {determination.tier}"
        )
        for user_id in members[row["developer_id"]]:
            rows.append(
                Notification(
                    recipient_id=user_id,
                    event="determination_pending" if change is Change.RELAX else "determination_in_force",
                    subject=subject,
                    body=determination.rationale,
                    link=f"/models/{row['id']}/",
                    object_type="determinations.determination",
                    object_id=str(determination.pk),
                )
            )
    send_in_bulk(rows)


def _follow_up(creations: list) -> None:
    """For the changed models, in bulk: a ``baseline_shift`` re-review each, obligations
    for the new tier where it rose, and re-reviews of the descendants of those."""
    from governance.cases.services import open_rereviews
    from governance.compliance.services import sync_obligations_many
    from governance.determinations.cascade import PARENT_TIER_CHANGE, descendant_rereviews

    changed = [(row, d, c) for row, d, c in creations if c is not Change.INITIAL]
    if not changed:
        return
    models = AIModel.objects.in_bulk([row["id"] for row, _, _ in changed])
    open_rereviews(
        [
            (
                models[row["id"]],
                f"The threshold set in force changed; the tier rule now gives Tier {determination.tier}.",
            )
            for row, determination, _ in changed
        ],
        trigger="baseline_shift",
    )
    escalated = [(models[row["id"]], d.tier) for row, d, c in changed if c is Change.ESCALATE]
    sync_obligations_many(escalated)
    parents = set(
        AIModel.objects.filter(parent_id__in=[model.pk for model, _ in escalated]).values_list("parent_id", flat=True)
    )
    descendants: dict[int, tuple[AIModel, str]] = {}
    for model, _ in escalated:
        if model.pk in parents:
            for descendant, reason in descendant_rereviews(model):
                descendants.setdefault(descendant.pk, (descendant, reason))
    open_rereviews(descendants.values(), trigger=PARENT_TIER_CHANGE)


def impact_preview(threshold_set: ThresholdSet, *, chunk_size: int = 5000) -> dict[str, Any]:
    """Every model's tier under ``threshold_set`` beside its current tier: the 4-by-4 matrix
    of current → previewed tiers and the models that would move. Writes nothing.

    A derivative's floor uses its parent's previewed tier. Models with no tier yet are
    listed among the changes (``from_tier`` null) but not counted in the matrix.
    """
    thresholds = thresholds_of(threshold_set)
    matrix = {str(a): {str(b): 0 for b in range(1, 5)} for a in range(1, 5)}
    changes = []
    previewed: dict[int, int] = {}
    for model_ids in chunks(chunk_size):
        rows, outcomes = assess_chunk(
            model_ids, thresholds, threshold_set.version, parent_tiers=previewed, observe=best_scores_by_model
        )
        for row in rows:
            tier = outcomes[row["id"]].tier
            previewed[row["id"]] = tier
            current = row["current_tier"]
            if current is not None:
                matrix[str(current)][str(tier)] += 1
            if current != tier:
                changes.append(
                    {
                        "model": row["id"],
                        "name": f"{row['name']} {row['version']}",
                        "from_tier": current,
                        "to_tier": tier,
                    }
                )
    return {"threshold_set": threshold_set.version, "matrix": matrix, "changes": changes}
