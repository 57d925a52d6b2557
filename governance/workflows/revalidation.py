"""Revalidation of every model after a baseline shift (SPEC sections 8, 19 and 24).

A read-only sweep (``governance.determinations.sweep``) finds the models with something to
write; those go through the one tier-change pipeline (``tier_changes.decide``) in chunks,
parents before derivatives, each chunk in its own transaction — on PostgreSQL in lanes side
by side while the sweep goes on (``governance.determinations.lanes``). Each chunk commits on
its own and the writes are idempotent, so a run killed midway is finished by running it
again; a second complete run writes nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction

from governance.audit.services import appended_last
from governance.baselines.selectors import threshold_set_in_force
from governance.determinations.lanes import Lanes
from governance.determinations.selectors import pending_relaxations, standing_decisions
from governance.determinations.sweep import Floors, Swept, sweep
from governance.determinations.writer import Written
from governance.platform.gc_pause import cyclic_gc_paused
from governance.tiering.changes import Change, plan_change
from governance.workflows.tier_changes import Cause, Rules, decide

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


def revalidate_all(
    *, chunk_size: int | None = None, dry_run: bool = False, cause: Cause = Cause.BASELINE_SHIFT
) -> RunReport:
    """Re-determine every model under the threshold set in force.

    The sweep decides every model once, in memory, to find those with something to write
    and the tiers in force after the run (for the derivatives' floor); those models are then
    decided again, on their full evidence, by the pipeline, chunk by chunk. A ``dry_run``
    counts what the sweep would change and writes nothing.
    """
    chunk_size = chunk_size or settings.REVALIDATION_CHUNK_SIZE
    report = RunReport()
    threshold_set = threshold_set_in_force()
    if threshold_set is None:
        return report
    rules = Rules(threshold_set)
    with _run_lock() as acquired, cyclic_gc_paused():
        if not acquired:
            report.skipped_locked = True  # another run is under way; it will cover every model
            return report
        pending = pending_relaxations()
        standing = standing_decisions()
        in_force: dict[int, int | None] = {}  # tiers in force after this run, for the floor
        writes: dict[int, bool] = {}

        def floor_of(swept: Swept) -> Floors:
            plan = plan_change(
                current=swept.current_tier,
                pending=pending.get(swept.model_id),
                assessed=swept.outcome.tier,
                standing=standing.get(swept.model_id),
            )
            keeps = plan.change in (Change.NONE, Change.RELAX)
            in_force[swept.model_id] = swept.current_tier if keeps else swept.outcome.tier
            completeness = swept.current_tier is not None and swept.evidence_complete != swept.outcome.evidence_complete
            writes[swept.model_id] = plan.change is not Change.NONE or plan.supersede_pending or completeness
            if dry_run and plan.change is not Change.NONE:
                report.changed_ids.append(swept.model_id)
                if plan.change is Change.INITIAL:
                    report.initial += 1
                elif plan.change is Change.ESCALATE:
                    report.escalations += 1
                else:
                    report.relaxations += 1
            return (in_force[swept.model_id],)

        def write(chunk: list[int]) -> RunReport:
            written = RunReport(chunks=1)
            # Events are appended as the chunk's last write: the chain's lock, which every
            # other writer waits for, is then held only until the chunk commits.
            with transaction.atomic(), appended_last():
                _chunk_settings()
                _count(decide(chunk, rules, cause=cause, parent_tiers=in_force, descendants_decided=True), written)
            return written

        root_of: dict[int, int] = {}  # each model's lineage root (parents are swept first)
        with Lanes(write, chunk_size=chunk_size, count=settings.REVALIDATION_LANES) as lanes:
            for swept in sweep([rules.thresholds], floor_of):
                report.models += 1
                root = root_of[swept.model_id] = root_of[swept.parent_id] if swept.parent_id else swept.model_id
                if writes.pop(swept.model_id) and not dry_run:
                    lanes.add(swept.model_id, root)
            for written in lanes.finish():
                report.add(written)
    return report


def _chunk_settings() -> None:
    """Check the chunk's foreign keys as each statement ends rather than all at commit, and
    compile none of its statements (JIT).

    Every row a chunk writes refers to rows that exist before it starts, so nothing needs
    the deferral; checked at commit they would lengthen the end of the chunk, when it holds
    the case counter and the audit chain that the other lane waits for. The chunk's
    statements are short ones over arrays of ids, but the planner cannot see how few rows
    some of them touch (the lineage recursion over a chunk's risen models is costed as if
    it held a tenth of every model): past ``jit_above_cost`` PostgreSQL spends longer
    compiling them than running them (0.4 s against 1 ms)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET LOCAL jit = off")


def _count(written: list[Written], report: RunReport) -> None:
    for w in written:
        report.changed_ids.append(w.state.id)
        if w.previous_tier is None:
            report.initial += 1
        elif w.in_force:
            report.escalations += 1
        else:
            report.relaxations += 1
