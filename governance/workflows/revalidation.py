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
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from governance.audit.services import appended_last
from governance.baselines.models import ThresholdSet
from governance.baselines.selectors import threshold_set_in_force
from governance.determinations import runs
from governance.determinations.lanes import Lanes
from governance.determinations.models import RevalidationRun
from governance.determinations.runs import ChunkPlan
from governance.determinations.selectors import pending_relaxations, standing_decisions
from governance.determinations.sweep import Floors, Swept, sweep
from governance.determinations.writer import Written
from governance.platform.gc_pause import cyclic_gc_paused
from governance.platform.jobs import WRITE_REVALIDATION_CHUNK, enqueue_chains
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


class _Verdicts:
    """What the sweep finds for each model: the tier it will be in force at after the run
    (its derivatives' floor) and whether it has anything to write."""

    def __init__(self, report: RunReport, *, dry_run: bool) -> None:
        self.report = report
        self.dry_run = dry_run
        self.pending = pending_relaxations()
        self.standing = standing_decisions()
        self.in_force: dict[int, int | None] = {}
        self.writes: dict[int, bool] = {}

    def floor_of(self, swept: Swept) -> Floors:
        plan = plan_change(
            current=swept.current_tier,
            pending=self.pending.get(swept.model_id),
            assessed=swept.outcome.tier,
            standing=self.standing.get(swept.model_id),
        )
        keeps = plan.change in (Change.NONE, Change.RELAX)
        self.in_force[swept.model_id] = swept.current_tier if keeps else swept.outcome.tier
        completeness = swept.current_tier is not None and swept.evidence_complete != swept.outcome.evidence_complete
        self.writes[swept.model_id] = plan.change is not Change.NONE or plan.supersede_pending or completeness
        if self.dry_run and plan.change is not Change.NONE:
            self.report.changed_ids.append(swept.model_id)
            if plan.change is Change.INITIAL:
                self.report.initial += 1
            elif plan.change is Change.ESCALATE:
                self.report.escalations += 1
            else:
                self.report.relaxations += 1
        return (self.in_force[swept.model_id],)


def _to_write(rules: Rules, verdicts: _Verdicts) -> Iterator[tuple[Swept, int]]:
    """Each model with something to write and the root of its lineage tree, parents before
    their derivatives; counts every model swept."""
    root_of: dict[int, int] = {}  # each model's lineage root (parents are swept first)
    for swept in sweep([rules.thresholds], verdicts.floor_of):
        verdicts.report.models += 1
        root = root_of[swept.model_id] = root_of[swept.parent_id] if swept.parent_id else swept.model_id
        if verdicts.writes.pop(swept.model_id) and not verdicts.dry_run:
            yield swept, root


def revalidate_all(
    *, chunk_size: int | None = None, dry_run: bool = False, cause: Cause = Cause.BASELINE_SHIFT
) -> RunReport:
    """Re-determine every model under the threshold set in force, in this process (the
    fallback of ``TASKS_EAGER`` and the ``revalidate`` command; workers share a run through
    :func:`plan_run` and :func:`write_chunk`).

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
        verdicts = _Verdicts(report, dry_run=dry_run)

        def write(chunk: list[int]) -> RunReport:
            written = RunReport(chunks=1)
            # Events are appended as the chunk's last write: the chain's lock, which every
            # other writer waits for, is then held only until the chunk commits.
            with transaction.atomic(), appended_last():
                _chunk_settings()
                _count(
                    decide(chunk, rules, cause=cause, parent_tiers=verdicts.in_force, descendants_decided=True),
                    written,
                )
            return written

        with Lanes(write, chunk_size=chunk_size, count=settings.REVALIDATION_LANES) as lanes:
            for swept, root in _to_write(rules, verdicts):
                lanes.add(swept.model_id, root)
            for written in lanes.finish():
                report.add(written)
    return report


# --- A run shared by workers (SPEC section 19, "Scale beyond one machine") ---------------


def run_revalidation(threshold_set_id: int | None = None) -> RevalidationRun | None:
    """The run of the set in force (``threshold_set_id``, if given, must be it): queued, or
    found open. With ``TASKS_EAGER`` it is written here, in lanes; otherwise it is planned
    here and its chunks are sent to the workers."""
    threshold_set = threshold_set_in_force()
    if threshold_set is None or (threshold_set_id is not None and threshold_set.pk != threshold_set_id):
        return None  # a later set is in force: its own run covers every model
    if threshold_set_id is not None and (done := runs.succeeded_run(threshold_set)) is not None:
        return done  # the activation's task delivered again after its run finished
    run = runs.open_run(threshold_set)
    if run.state == RevalidationRun.State.FAILED:
        return run  # it waits for a regulator to resume it
    if settings.TASKS_EAGER:
        _write_here(run)
    else:
        plan_run(run)
    run.refresh_from_db()
    return run


def _write_here(run: RevalidationRun) -> None:
    runs.start(run)
    try:
        report = revalidate_all()
    except Exception as error:
        runs.fail(run, f"{type(error).__name__}: {error}")
        raise
    if report.skipped_locked:
        runs.fail(run, "Another revalidation held the lock; resume this run when it has finished.")
        return
    runs.finished(run, models=report.models, changes=report.written)


def plan_run(run: RevalidationRun, *, chunk_size: int | None = None) -> None:
    """Sweep every model, record the chunks of whole lineage trees the run must write, and
    send them to the workers as they are recorded: chunks of one tree too large for a chunk
    in a Celery chain, parents first; the chains side by side. Run again (its task delivered
    twice, or the run resumed), it goes on planning where the recorded chunks end, or, if the
    plan is complete, sends what is left to write."""
    run = runs.start(run)
    if run.state != RevalidationRun.State.RUNNING:
        return
    if runs.is_planned(run):
        _send(run)
        return
    try:
        _plan(run, chunk_size or settings.REVALIDATION_CHUNK_SIZE)
    except Exception as error:
        runs.fail(run, f"Planning failed: {type(error).__name__}: {error}")
        raise
    runs.refresh(run)  # chunks may all have been written while it planned


def _send(run: RevalidationRun) -> None:
    chains = runs.pending_chains(run)
    if not chains:
        runs.refresh(run)  # nothing (left) to write: the run is done
        return
    with transaction.atomic():
        enqueue_chains(WRITE_REVALIDATION_CHUNK, chains)


def _plan(run: RevalidationRun, chunk_size: int) -> None:
    """Plan the run as the sweep goes: a full chunk of models without lineage (no parent,
    no derivative: a tree of one) is recorded and sent at once, so that other workers write
    while this one plans; the lineage trees wait until the sweep has decided their last
    derivative, and are packed with what is left into chunks of at most ``chunk_size``
    models (smaller when there is little to write, so that it still comes in
    ``REVALIDATION_MIN_CHUNKS`` shares); a larger tree is a chain of its own, cut in the
    sweep's order (each parent before its derivatives). The last chunks are recorded with
    the mark that the plan is complete."""
    report = RunReport()
    rules = Rules(run.threshold_set)
    recorded = runs.recorded_model_ids(run)  # by an earlier delivery of this task that died
    alone: list[int] = []
    trees: dict[int, list[int]] = {}
    parent_of: dict[int, int] = {}
    with cyclic_gc_paused():
        verdicts = _Verdicts(report, dry_run=False)
        for swept, root in _to_write(rules, verdicts):
            if swept.model_id in recorded:
                continue
            if swept.parent_id is None and not swept.has_derivatives:
                alone.append(swept.model_id)
                if len(alone) == chunk_size:
                    _record(run, [[(alone, {})]])
                    alone = []
                continue
            trees.setdefault(root, []).append(swept.model_id)
            if swept.parent_id is not None:
                parent_of[swept.model_id] = swept.parent_id

    to_write = len(alone) + sum(len(ids) for ids in trees.values())
    shared = -(-to_write // max(1, settings.REVALIDATION_MIN_CHUNKS))  # every worker gets a share
    chunk_size = min(chunk_size, max(shared, settings.REVALIDATION_MIN_CHUNK))

    def chunk(ids: list[int]) -> ChunkPlan:
        return ids, {parent_of[pk]: verdicts.in_force[parent_of[pk]] for pk in ids if pk in parent_of}

    chains: list[list[ChunkPlan]] = []
    packed: list[int] = []
    for ids in [*trees.values(), *([pk] for pk in alone)]:
        if len(ids) > chunk_size:
            chains.append([chunk(ids[start : start + chunk_size]) for start in range(0, len(ids), chunk_size)])
            continue
        if len(packed) + len(ids) > chunk_size:
            chains.append([chunk(packed)])
            packed = []
        packed += ids
    if packed:
        chains.append([chunk(packed)])
    _record(run, chains, total=report.models)


def _record(run: RevalidationRun, chains: list[list[ChunkPlan]], *, total: int | None = None) -> None:
    """Record ``chains`` and send them after commit (with ``total``: the last of the plan)."""
    with transaction.atomic():
        if not runs.lock_for_planning(run):  # another delivery of this task planned it meanwhile
            return
        sent = runs.record_chains(run, chains)
        if total is not None:
            runs.planned(run, total=total)
        enqueue_chains(WRITE_REVALIDATION_CHUNK, sent)


def write_chunk(chunk_id: int) -> int:
    """Write one chunk of a run through the pipeline, in one transaction with the mark that
    it is done; a chunk done already (or of a run no longer running) writes nothing. Then
    bring the run's counters up to date, finishing it after its last chunk. Returns how
    many determinations the chunk wrote."""
    changes = 0
    superseded = False
    with transaction.atomic(), appended_last():
        chunk = runs.claim_chunk(chunk_id)
        superseded = chunk is not None and chunk.run.threshold_set.status != ThresholdSet.Status.IN_FORCE
        if chunk is not None and not superseded:
            run = chunk.run
            _chunk_settings()
            parent_tiers = {int(pk): tier for pk, tier in chunk.parent_tiers.items()}
            written = decide(
                chunk.model_ids,
                Rules(run.threshold_set),
                cause=Cause.BASELINE_SHIFT,
                parent_tiers=parent_tiers,
                descendants_decided=True,
            )
            changes = len(written)
            runs.chunk_done(chunk, changes=changes)
    if superseded:  # never write under a set that is no longer in force
        runs.chunk_failed(chunk_id, "Its threshold set is no longer in force; the run of the set in force covers it.")
    # Also after a chunk found written: its worker may have died before this step.
    if (running := runs.running_run_of_chunk(chunk_id)) is not None:
        runs.refresh(running)
    return changes


def chunk_failed(chunk_id: int, error: str) -> None:
    """A chunk's task gave up (its retries spent): the chunk and those after it in its
    chain are failed, and the run fails once nothing else is left to write."""
    runs.chunk_failed(chunk_id, error)
    if (running := runs.running_run_of_chunk(chunk_id)) is not None:
        runs.refresh(running)


def resume_run(*, run: RevalidationRun, by: Any) -> RevalidationRun:
    """A regulator resumes a failed run: what is left is written again, by the workers (or
    here, with ``TASKS_EAGER``); what was written stays written."""
    resumed = runs.resume(run=run, by=by)
    if settings.TASKS_EAGER:
        report = revalidate_all()
        runs.finished(resumed, models=report.models, changes=resumed.changes + report.written)
    else:
        plan_run(resumed)
    resumed.refresh_from_db()
    return resumed


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
