"""Revalidation of every model after a baseline shift, and the impact preview of a
threshold set (SPEC sections 8 and 19).

Set-based: a sweep reads every model and, in one aggregate query, its capability per
domain, and puts each through the same pure tier rule as everywhere else (roots first,
then derivatives generation by generation, so a parent's new tier is known before its
derivatives' floor is applied). The preview stops there. A revalidation then re-reads the
models that have something to write, in chunks, and writes each chunk in bulk in one
transaction (on PostgreSQL in two lanes at once: ``lanes.py``). Each chunk commits on its
own and the writes are idempotent, so a run killed midway is finished by running it again;
a second complete run writes nothing.
"""

import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from governance.audit.services import PendingEvent, appended_last, record_many
from governance.baselines.models import ThresholdSet
from governance.baselines.selectors import threshold_set_in_force, thresholds_of
from governance.determinations.lanes import Lanes
from governance.determinations.models import Determination
from governance.determinations.services import automatic_rationale
from governance.evidence.selectors import evidence, observations_by_model
from governance.notifications.models import Notification
from governance.platform.bulk_insert import insert_rows_returning_ids
from governance.platform.bulk_read import plain_rows
from governance.platform.gc_pause import cyclic_gc_paused
from governance.registry.models import AIModel
from governance.registry.selectors import models_by_id_for_follow_ups
from governance.tiering.calendar import add_months
from governance.tiering.changes import Change, Plan, plan_change
from governance.tiering.rule import DomainThreshold, Tiering, TierOutcome, determine_tier, tiering

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

    def add(self, chunk: "RunReport") -> None:
        """Count in what one chunk of this run wrote."""
        self.escalations += chunk.escalations
        self.relaxations += chunk.relaxations
        self.initial += chunk.initial
        self.chunks += chunk.chunks
        self.changed_ids += chunk.changed_ids

    @property
    def written(self) -> int:
        return self.escalations + self.relaxations + self.initial


def generations(parents: dict[int, int | None]) -> list[list[int]]:
    """Model ids by lineage depth, from ``{model: parent}``: roots, their children, and so on."""
    depths: dict[int, int] = {}
    for pk in parents:
        path: list[int] = []
        while pk is not None and pk not in depths:
            if pk in path:  # registration rejects cycles; never loop on one that slipped in
                raise ValueError(f"Lineage cycle through model {pk}.")
            path.append(pk)
            pk = parents.get(pk)
        depth = -1 if pk is None else depths[pk]
        for node in reversed(path):
            depth += 1
            depths[node] = depth
    by_depth: dict[int, list[int]] = defaultdict(list)
    for pk in sorted(depths):
        by_depth[depths[pk]].append(pk)
    return [by_depth[depth] for depth in sorted(by_depth)]


class Swept(NamedTuple):
    model_id: int
    parent_id: int | None
    current_tier: int | None
    evidence_complete: bool
    outcome: Tiering


def capabilities(domains: list[str], model_ids: list[int] | None = None) -> Iterator[tuple[int, dict[str, Decimal]]]:
    """Each model with evidence (of ``model_ids``, or all) and its capability per domain (the
    best score): one row per model, aggregated by the database, in model order.

    Read as :func:`plain_rows`: this aggregation over every evaluation result takes half as
    long when PostgreSQL runs it in parallel.
    """
    best = {
        f"c{index}": Max("normalized_score", filter=Q(benchmark__domain__slug=slug))
        for index, slug in enumerate(domains)
    }
    found = evidence() if model_ids is None else evidence().filter(model_id__any=model_ids)
    rows = found.values("model_id").annotate(**best).values_list("model_id", *best).order_by("model_id")
    for model_id, *scores in plain_rows(rows):
        yield model_id, {slug: score for slug, score in zip(domains, scores, strict=True) if score is not None}


def sweep(thresholds: list[DomainThreshold], floor_of: Callable[[Swept], int | None]) -> Iterator[Swept]:
    """Every model's outcome under ``thresholds`` from one read of the evidence; writes nothing.

    Roots are decided as their rows stream in; derivatives wait and are decided generation by
    generation, each with the floor ``floor_of`` reports for its parent (the parent's
    previewed tier, or the tier in force after a revalidation).
    """
    models = {
        pk: (parent_id, tier, complete)
        for pk, parent_id, tier, complete in plain_rows(
            AIModel.objects.values_list("id", "parent_id", "current_tier", "evidence_complete")
        )
    }
    floors: dict[int, int | None] = {}
    waiting: dict[int, dict[str, Decimal]] = {}

    def decided(pk: int, capability: dict[str, Decimal]) -> Swept:
        parent_id, tier, complete = models[pk]
        outcome = tiering(thresholds, capability, floors[parent_id] if parent_id is not None else None)
        swept = Swept(pk, parent_id, tier, complete, outcome)
        floors[pk] = floor_of(swept)
        return swept

    for pk, capability in capabilities([t.domain for t in thresholds]):
        if pk not in models:
            continue  # registered after the sweep began; its own revalidation covers it
        if models[pk][0] is None:
            yield decided(pk, capability)
        else:
            waiting[pk] = capability
    for generation in generations({pk: parent_id for pk, (parent_id, _, _) in models.items()}):
        for pk in generation:
            if pk not in floors:
                yield decided(pk, waiting.pop(pk, {}))


def assess_chunk(
    model_ids: list[int],
    thresholds: list[DomainThreshold],
    version: str,
    parent_tiers: dict[int, int | None] | None = None,
) -> tuple[list[dict[str, Any]], dict[int, TierOutcome]]:
    """The chunk's models (id, tiers, parent's tier, pending relaxation) and their tiers,
    decided afresh on their full evidence, so that each ``basis`` cites the evaluations that
    set the capability."""
    rows = list(
        AIModel.objects.filter(pk__any=model_ids).values(
            "id",
            "name",
            "version",
            "developer_id",
            "parent_id",
            "current_tier",
            "evidence_complete",
            "parent__current_tier",
        )
    )
    pending = {
        model_id: (tier, pk)
        for model_id, tier, pk in Determination.objects.filter(
            model_id__any=model_ids, status=Determination.Status.PENDING_CONFIRMATION
        ).values_list("model_id", "tier", "pk")
    }
    observed = observations_by_model(model_ids)
    outcomes = {}
    for row in rows:
        row["pending_tier"], row["pending_id"] = pending.get(row["id"], (None, None))
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
    """Re-determine every model under the threshold set in force.

    A read-only :func:`sweep` finds the models with something to write; those are then
    re-read, decided again and written chunk by chunk, parents before derivatives, each
    chunk in its own transaction; on PostgreSQL in lanes side by side, while the sweep goes
    on (see :class:`~governance.determinations.lanes.Lanes`).
    """
    chunk_size = chunk_size or settings.REVALIDATION_CHUNK_SIZE
    report = RunReport()
    threshold_set = threshold_set_in_force()
    if threshold_set is None:
        return report
    thresholds = thresholds_of(threshold_set)
    with _run_lock() as acquired, cyclic_gc_paused():
        if not acquired:
            report.skipped_locked = True  # another run is under way; it will cover every model
            return report
        pending = dict(
            Determination.objects.filter(status=Determination.Status.PENDING_CONFIRMATION).values_list(
                "model_id", "tier"
            )
        )
        in_force: dict[int, int | None] = {}  # tiers in force after this run, for the floor
        plans: dict[int, Plan] = {}

        def floor_of(swept: Swept) -> int | None:
            plan = plans[swept.model_id] = plan_change(
                current=swept.current_tier, pending=pending.get(swept.model_id), assessed=swept.outcome.tier
            )
            keeps = plan.change in (Change.NONE, Change.RELAX)
            in_force[swept.model_id] = swept.current_tier if keeps else swept.outcome.tier
            return in_force[swept.model_id]

        def write(chunk: list[int]) -> RunReport:
            written = RunReport(chunks=1)
            # Events are appended as the chunk's last write: the chain's lock, which every
            # other writer waits for, is then held only until the chunk commits.
            with transaction.atomic(), appended_last():
                _check_references_at_once()
                rows, outcomes = assess_chunk(chunk, thresholds, threshold_set.version, parent_tiers=in_force)
                _apply_chunk(rows, outcomes, threshold_set, written, dry_run=dry_run)
                if dry_run:
                    transaction.set_rollback(True)
            return written

        root_of: dict[int, int] = {}  # each model's lineage root (parents are swept first)
        with Lanes(write, chunk_size=chunk_size, count=settings.REVALIDATION_LANES) as lanes:
            for swept in sweep(thresholds, floor_of):
                report.models += 1
                root = root_of[swept.model_id] = root_of[swept.parent_id] if swept.parent_id else swept.model_id
                plan = plans.pop(swept.model_id)
                completeness = (
                    swept.current_tier is not None and swept.evidence_complete != swept.outcome.evidence_complete
                )
                if plan.change is not Change.NONE or plan.supersede_pending or completeness:
                    lanes.add(swept.model_id, root)
            for written in lanes.finish():
                report.add(written)
    return report


def _check_references_at_once() -> None:
    """Check the chunk's foreign keys as each statement ends rather than all at commit.

    Every row a chunk writes refers to rows that exist before it starts, so nothing needs
    the deferral; checked at commit they would lengthen the end of the chunk, when it holds
    the case counter and the audit chain that the other lane waits for."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@dataclass(slots=True)
class _Created:
    """A determination a chunk writes: a plain row, as thousands are written at once."""

    row: dict[str, Any]  # the model, as assess_chunk read it
    change: Change
    tier: int
    status: str
    evidence_complete: bool
    rationale: str
    basis: dict[str, Any]
    pk: int | None = None

    @property
    def kind(self) -> str:
        return Determination.Kind.INITIAL if self.change is Change.INITIAL else Determination.Kind.REVALIDATION


_CREATED_FIELDS = (
    "model_id",
    "tier",
    "kind",
    "status",
    "threshold_set_id",
    "basis",
    "evidence_complete",
    "rationale",
    "effective_from",
    "previous_tier",
    "previous_id",
)


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
    pending_to_drop: list[int] = []
    creations: list[_Created] = []
    completeness: list[dict[str, Any]] = []  # rows whose tier stands but whose evidence completeness changes
    for row in rows:
        outcome = outcomes[row["id"]]
        plan = plan_change(current=row["current_tier"], pending=row["pending_tier"], assessed=outcome.tier)
        if plan.supersede_pending:
            pending_to_drop.append(row["pending_id"])
        if plan.change is Change.NONE:
            if row["current_tier"] is not None and row["evidence_complete"] != outcome.evidence_complete:
                completeness.append(row)
            continue
        in_force = plan.change is not Change.RELAX
        creations.append(
            _Created(
                row=row,
                change=plan.change,
                tier=outcome.tier,
                status=Determination.Status.IN_FORCE if in_force else Determination.Status.PENDING_CONFIRMATION,
                evidence_complete=outcome.evidence_complete,
                rationale=automatic_rationale(plan.change, row["current_tier"], outcome.tier),
                basis=outcome.basis,
            )
        )
    if dry_run:
        _count(creations, report)
        return

    events: list[PendingEvent] = []
    if pending_to_drop:
        Determination.objects.filter(pk__any=pending_to_drop).update(
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
    supersede_ids = [
        c.row["id"] for c in creations if c.change is not Change.RELAX and c.row["current_tier"] is not None
    ]
    previous = dict(
        Determination.objects.filter(model_id__any=supersede_ids, status=Determination.Status.IN_FORCE).values_list(
            "model_id", "pk"
        )
    )
    if previous:
        Determination.objects.filter(pk__any=list(previous.values())).update(
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
    ids = insert_rows_returning_ids(
        Determination,
        _CREATED_FIELDS,
        [
            (
                c.row["id"],
                c.tier,
                c.kind,
                c.status,
                threshold_set.pk,
                json.dumps(c.basis),
                c.evidence_complete,
                c.rationale,
                None if c.change is Change.RELAX else now,
                c.row["current_tier"],
                previous.get(c.row["id"]),
            )
            for c in creations
        ],
    )
    in_force_models: dict[tuple[int, bool], list[int]] = defaultdict(list)  # (tier, complete) → models
    for created, pk in zip(creations, ids, strict=True):
        created.pk = pk
        events.append(
            PendingEvent(
                "determination.created",
                "determinations.determination",
                str(pk),
                {
                    "tier": [None, created.tier],
                    "kind": [None, created.kind],
                    "status": [None, created.status],
                    "threshold_set": [None, threshold_set.version],
                },
                created.row["developer_id"],
            )
        )
        if created.change is not Change.RELAX:
            in_force_models[created.tier, created.evidence_complete].append(created.row["id"])
    for (tier, complete), model_ids in in_force_models.items():  # at most eight statements
        AIModel.objects.filter(pk__any=model_ids).update(
            current_tier=tier,
            evidence_complete=complete,
            tier_effective_from=now,
            next_review_due=add_months(today, settings.REVIEW_CADENCE_MONTHS[tier]),
        )
    for complete in (True, False):
        if model_ids := [row["id"] for row in completeness if row["evidence_complete"] != complete]:
            AIModel.objects.filter(pk__any=model_ids).update(evidence_complete=complete)
    events += [
        PendingEvent(
            "model.evidence_completeness",
            "registry.aimodel",
            str(row["id"]),
            {"evidence_complete": [row["evidence_complete"], not row["evidence_complete"]]},
            row["developer_id"],
        )
        for row in completeness
    ]
    record_many(events)
    _notify(creations)
    _follow_up(creations)
    _count(creations, report)


def _count(creations: list[_Created], report: RunReport) -> None:
    for created in creations:
        report.changed_ids.append(created.row["id"])
        if created.change is Change.INITIAL:
            report.initial += 1
        elif created.change is Change.ESCALATE:
            report.escalations += 1
        else:
            report.relaxations += 1


def _notify(creations: list[_Created]) -> None:
    """One inbox entry per developer member per changed model, written in bulk."""
    from governance.notifications.services import member_ids_by_organization, send_in_bulk

    if not creations:
        return
    members = member_ids_by_organization(created.row["developer_id"] for created in creations)
    rows = []
    for created in creations:
        row, relaxed = created.row, created.change is Change.RELAX
        label = f"{row['name']} {row['version']}"
        subject = (
            f"{label}: relaxation to Tier {created.tier} awaits confirmation"
            if relaxed
            else f"{label} is now Tier {created.tier}"
        )
        for user_id in members[row["developer_id"]]:
            rows.append(
                Notification(
                    recipient_id=user_id,
                    event="determination_pending" if relaxed else "determination_in_force",
                    subject=subject,
                    body=created.rationale,
                    link=f"/models/{row['id']}/",
                    object_type="determinations.determination",
                    object_id=str(created.pk),
                )
            )
    send_in_bulk(rows)


def _follow_up(creations: list[_Created]) -> None:
    """For the changed models, in bulk: obligations for the new tier where it rose, a
    ``baseline_shift`` re-review each, and re-reviews of the descendants of those that rose.
    The re-reviews come last: numbering them locks the case counter until the chunk commits."""
    from governance.cases.services import open_rereviews
    from governance.compliance.services import sync_obligations_many
    from governance.determinations.cascade import PARENT_TIER_CHANGE, descendant_rereviews

    changed = [created for created in creations if created.change is not Change.INITIAL]
    if not changed:
        return
    models = models_by_id_for_follow_ups(created.row["id"] for created in changed)
    escalated = [(models[c.row["id"]], c.tier) for c in changed if c.change is Change.ESCALATE]
    sync_obligations_many(escalated)
    descendants = descendant_rereviews(model for model, _ in escalated)
    open_rereviews(
        [
            (models[c.row["id"]], f"The threshold set in force changed; the tier rule now gives Tier {c.tier}.")
            for c in changed
        ],
        trigger="baseline_shift",
    )
    open_rereviews(descendants, trigger=PARENT_TIER_CHANGE)


def impact_preview(threshold_set: ThresholdSet) -> dict[str, Any]:
    """Every model's tier under ``threshold_set`` beside its current tier: the 4-by-4 matrix
    of current → previewed tiers and the models that would move. Writes nothing.

    A derivative's floor uses its parent's previewed tier. Models with no tier yet are
    listed among the changes (``from_tier`` null) but not counted in the matrix.
    """
    matrix = {str(a): {str(b): 0 for b in range(1, 5)} for a in range(1, 5)}
    moves = []
    with cyclic_gc_paused():
        for swept in sweep(thresholds_of(threshold_set), lambda swept: swept.outcome.tier):
            current, tier = swept.current_tier, swept.outcome.tier
            if current is not None:
                matrix[str(current)][str(tier)] += 1
            if current != tier:
                moves.append((swept.model_id, current, tier))
    names = {
        pk: f"{name} {version}"
        for pk, name, version in AIModel.objects.filter(pk__any=[pk for pk, _, _ in moves]).values_list(
            "id", "name", "version"
        )
    }
    changes = [
        {"model": pk, "name": names[pk], "from_tier": current, "to_tier": tier}
        for pk, current, tier in moves
        if pk in names
    ]
    return {"threshold_set": threshold_set.version, "matrix": matrix, "changes": changes}
