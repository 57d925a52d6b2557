"""The record of a revalidation of every model (SPEC sections 8 and 19): one service per
transition of a run, each in a transaction with its audit event, and the bookkeeping of
its chunks.

A run's chunk is written in one transaction with the mark that it is done
(:func:`claim_chunk`, :func:`chunk_done`), so a chunk run again — its worker died before
the broker heard it had finished, or two workers got the same message — finds itself done
and writes nothing twice. Nothing here locks a run's row inside a chunk's transaction: the
counters are summed from the chunks afterwards (:func:`refresh`), so workers writing side
by side wait for each other only where the chunks already do (the case counter, the audit
chain).
"""

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from governance.audit.services import record
from governance.baselines.models import ThresholdSet
from governance.determinations.models import RevalidationChunk, RevalidationRun
from governance.platform.errors import NotAllowed
from governance.platform.transitions import target_state
from governance.registry.roles import is_adjudicator

State = RevalidationRun.State
Chunk = RevalidationChunk.State


def _transition(run: RevalidationRun, action: str, *, actor: Any = None, **changes: Any) -> RevalidationRun:
    """Move the locked ``run`` by ``action`` (or :class:`IllegalTransition`), with its event."""
    before = run.state
    run.state = target_state("revalidationrun", action, run.state, "revalidation run")
    now = timezone.now()
    fields = ["state", *changes]
    for name, value in changes.items():
        setattr(run, name, value)
    if action in ("start", "resume"):
        run.started_at, run.finished_at = now, None
        fields += ["started_at", "finished_at"]
    elif action in ("succeed", "fail"):
        run.finished_at = now
        fields.append("finished_at")
    run.save(update_fields=fields)
    record(
        actor=actor,
        action=f"revalidation_run.{run.state}" if action != "resume" else "revalidation_run.resumed",
        obj=run,
        changes={"state": [before, run.state], **{name: [None, value] for name, value in changes.items()}},
    )
    return run


def _locked(run_id: int) -> RevalidationRun:
    return RevalidationRun.objects.select_for_update().select_related("threshold_set").get(pk=run_id)


def open_run(threshold_set: ThresholdSet) -> RevalidationRun:
    """The open run of ``threshold_set``, queued now if it has none (one at a time: the
    database refuses a second, so of two activations racing one queues and the other
    finds its run)."""
    try:
        with transaction.atomic():
            run = RevalidationRun.objects.create(threshold_set=threshold_set)
            record(actor=None, action="revalidation_run.queued", obj=run, changes={"state": [None, run.state]})
            return run
    except IntegrityError:
        return RevalidationRun.objects.select_related("threshold_set").get(
            threshold_set=threshold_set, state__in=RevalidationRun.OPEN_STATES
        )


def succeeded_run(threshold_set: ThresholdSet) -> RevalidationRun | None:
    return RevalidationRun.objects.filter(threshold_set=threshold_set, state=State.SUCCEEDED).first()


def start(run: RevalidationRun) -> RevalidationRun:
    """A queued run begins; one already running (its first task was delivered again) is
    returned as it is."""
    with transaction.atomic():
        locked = _locked(run.pk)
        if locked.state == State.QUEUED:
            return _transition(locked, "start")
        return locked


ChunkPlan = tuple[list[int], dict[int, int | None]]  # model ids, parents first; the parents' tiers


def lock_for_planning(run: RevalidationRun) -> bool:
    """Lock the run's row until the caller's transaction ends, so that two deliveries of its
    planning task record chunks one after the other; False if its plan is complete."""
    return _locked(run.pk).planned_at is None


def record_chains(run: RevalidationRun, chains: Sequence[Sequence[ChunkPlan]]) -> list[list[int]]:
    """Record ``chains`` of chunks the run must write (model ids, parents first, and the
    tiers their parents will be in force at), numbered after those recorded before, less
    the models recorded already (by another delivery of its planning task); the ids of
    their chunks, chain by chain. Call after :func:`lock_for_planning`, in its transaction."""
    recorded = recorded_model_ids(run)
    chains = [[([pk for pk in ids if pk not in recorded], parents) for ids, parents in chunks] for chunks in chains]
    chains = [[(ids, parents) for ids, parents in chunks if ids] for chunks in chains]
    after = run.chunks.aggregate(last=Max("chain"))["last"]
    first = 0 if after is None else after + 1
    created = RevalidationChunk.objects.bulk_create(
        RevalidationChunk(
            run=run,
            chain=first + chain,
            position=position,
            model_ids=ids,
            parent_tiers={str(pk): tier for pk, tier in parent_tiers.items()},
            size=len(ids),
        )
        for chain, chunks in enumerate(c for c in chains if c)
        for position, (ids, parent_tiers) in enumerate(chunks)
    )
    ids: dict[int, list[int]] = {}
    for chunk in created:
        ids.setdefault(chunk.chain, []).append(chunk.pk)
    return list(ids.values())


def planned(run: RevalidationRun, *, total: int) -> None:
    """Every chunk the run must write is recorded: ``total`` models decided, those with
    nothing to write already done. Call inside the caller's transaction."""
    to_write = run.chunks.aggregate(size=Sum("size", default=0))["size"]
    RevalidationRun.objects.filter(pk=run.pk).update(
        models_total=total, models_done=total - to_write, planned_at=timezone.now()
    )


def recorded_model_ids(run: RevalidationRun) -> set[int]:
    """The models in the chunks recorded so far (a planning resumed skips them)."""
    return {pk for ids in run.chunks.values_list("model_ids", flat=True) for pk in ids}


def pending_chains(run: RevalidationRun) -> list[list[int]]:
    """The ids of the run's chunks still to write, chain by chain, in order."""
    chains: dict[int, list[int]] = {}
    for chain, pk in run.chunks.filter(state=Chunk.PENDING).order_by("chain", "position").values_list("chain", "id"):
        chains.setdefault(chain, []).append(pk)
    return list(chains.values())


def is_planned(run: RevalidationRun) -> bool:
    return RevalidationRun.objects.filter(pk=run.pk, planned_at__isnull=False).exists()


def claim_chunk(chunk_id: int) -> RevalidationChunk | None:
    """The chunk, locked until the caller's transaction ends, if it is still to write and
    its run running; otherwise None (written already, or its run failed)."""
    chunk = (
        RevalidationChunk.objects.select_for_update(of=("self",))
        .select_related("run__threshold_set")
        .filter(pk=chunk_id)
        .first()
    )
    if chunk is None or chunk.state != Chunk.PENDING or chunk.run.state != State.RUNNING:
        return None
    return chunk


def running_run_of_chunk(chunk_id: int) -> RevalidationRun | None:
    return RevalidationRun.objects.filter(chunks=chunk_id, state=State.RUNNING).first()


def chunk_done(chunk: RevalidationChunk, *, changes: int) -> None:
    """Mark a claimed chunk written, in the transaction that wrote it."""
    RevalidationChunk.objects.filter(pk=chunk.pk).update(state=Chunk.DONE, changes=changes)


def chunk_failed(chunk_id: int, error: str) -> None:
    """A chunk that could not be written, and the chunks after it in its chain, which wait
    for it: failed, with the reason (resuming the run writes them)."""
    with transaction.atomic():
        chunk = RevalidationChunk.objects.select_for_update().filter(pk=chunk_id, state=Chunk.PENDING).first()
        if chunk is None:
            return
        RevalidationChunk.objects.filter(pk=chunk.pk).update(state=Chunk.FAILED, error=error[:2000])
        RevalidationChunk.objects.filter(
            run_id=chunk.run_id, chain=chunk.chain, position__gt=chunk.position, state=Chunk.PENDING
        ).update(state=Chunk.FAILED, error="Not written: an earlier chunk of its lineage failed.")


def _progress(run: RevalidationRun) -> dict[str, Any]:
    """The run's counters as its chunks stand (read after its row is locked: every chunk
    committed before is counted)."""
    sums = run.chunks.aggregate(
        open=Sum("size", filter=~Q(state=Chunk.DONE), default=0),
        failed=Sum("size", filter=Q(state=Chunk.FAILED), default=0),
        pending=Count("id", filter=Q(state=Chunk.PENDING)),
        changes=Sum("changes", default=0),
    )
    return sums | {"models_done": run.models_total - sums["open"]}


def refresh(run: RevalidationRun) -> None:
    """Bring the run's counters up to its chunks; finish it when none is left to write:
    succeeded, or failed with the first chunk's error."""
    with transaction.atomic():
        locked = _locked(run.pk)
        if locked.state != State.RUNNING:
            return
        sums = _progress(locked)
        if locked.planned_at is None:  # still planning: its first chunks are being written
            RevalidationRun.objects.filter(pk=locked.pk).update(changes=sums["changes"], errors=sums["failed"])
            return
        counters = {"models_done": sums["models_done"], "changes": sums["changes"], "errors": sums["failed"]}
        if sums["pending"]:
            RevalidationRun.objects.filter(pk=locked.pk).update(**counters)
            return
        for name, value in counters.items():
            setattr(locked, name, value)
        locked.save(update_fields=list(counters))
        if sums["failed"]:
            first = locked.chunks.filter(state=Chunk.FAILED).order_by("chain", "position").first()
            error = first.error if first else ""
            reason = f"{sums['failed']} of {locked.models_total} models were not written: {error}"
            _transition(locked, "fail", failure=reason)
        else:
            _transition(locked, "succeed")


def finished(run: RevalidationRun, *, models: int, changes: int) -> None:
    """A run written in one process (``TASKS_EAGER``) succeeded: ``models`` decided,
    ``changes`` determinations written."""
    with transaction.atomic():
        locked = _locked(run.pk)
        locked.models_total = locked.models_done = models
        locked.changes = changes
        locked.errors = 0
        locked.save(update_fields=["models_total", "models_done", "changes", "errors"])
        _transition(locked, "succeed")


def fail(run: RevalidationRun, reason: str) -> None:
    """The run stops with ``reason`` (its planning failed); resuming it starts again."""
    with transaction.atomic():
        locked = _locked(run.pk)
        if locked.state in (State.QUEUED, State.RUNNING):
            _transition(locked, "fail", failure=reason[:2000])


def resume(*, run: RevalidationRun, by: Any) -> RevalidationRun:
    """A regulator resumes a failed run: its failed chunks are written again (those done
    stay done), or, if it failed before its chunks were planned, it is planned again."""
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator may resume a revalidation run.")
    with transaction.atomic():
        locked = _locked(run.pk)
        _transition(locked, "resume", actor=by, failure="")
        locked.chunks.filter(state=Chunk.FAILED).update(state=Chunk.PENDING, error="")
        RevalidationRun.objects.filter(pk=locked.pk).update(errors=0)
        locked.errors = 0
        return locked
