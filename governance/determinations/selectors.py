"""What the tier-change pipeline reads about the models it decides (SPEC section 24)."""

from typing import NamedTuple

from django.db.models.fields.json import KeyTransform

from governance.baselines.models import ThresholdSet
from governance.baselines.selectors import thresholds_of
from governance.determinations.models import Determination
from governance.evidence.selectors import observations_for
from governance.registry.models import AIModel
from governance.tiering.rule import TierOutcome, determine_tier

# What the rule said when a human decision was made, as recorded in its basis. An expression
# rather than the lookup "basis__assessed_tier": resolving that name, Django first tries a
# join, and keeps the FieldError it catches, whose traceback holds the caller's frames in a
# reference cycle: with the collector paused in a bulk run, each chunk's data stayed alive
# until the run ended, then took a collection of 0.2 million objects (0.5 s at 100,000 models).
ASSESSED_TIER = KeyTransform("assessed_tier", "basis")

HUMAN_KINDS = (
    Determination.Kind.CONTEST_DECISION,
    Determination.Kind.APPEAL_DECISION,
    Determination.Kind.OWN_MOTION,
)


class ModelState(NamedTuple):
    """One model as the pipeline decides it: its tiers and the determinations it has."""

    id: int
    name: str
    version: str
    developer_id: int
    parent_id: int | None
    parent_tier: int | None
    current_tier: int | None
    evidence_complete: bool
    in_force_id: int | None = None
    in_force_kind: str | None = None
    standing: int | None = None  # a human decision in force: the rule's tier when it was made
    pending_id: int | None = None
    pending_tier: int | None = None

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


_STATE_FIELDS = (
    "id",
    "name",
    "version",
    "developer_id",
    "parent_id",
    "parent__current_tier",
    "current_tier",
    "evidence_complete",
)


def states_of(model_ids: list[int], *, lock: bool = False) -> dict[int, ModelState]:
    """``model_ids`` with their tier in force and pending relaxation, in at most two queries; with
    ``lock``, their rows locked in id order (the pipeline's first lock, see workflows)."""
    models = AIModel.objects.filter(pk__any=model_ids).order_by("pk")
    if lock:
        models = models.select_for_update(of=("self",))
    rows = models.values_list(*_STATE_FIELDS)
    states = {row[0]: ModelState(*row) for row in rows}
    # Only a model with a tier has determinations in force or pending (its tier mirrors the
    # one in force; a relaxation waits beside it), so a first run reads none. Asked of every
    # model as one ``status IN (...)``, that read went through the status index (every
    # determination in force) while a first run grew the table from empty, its statistics
    # still those of the empty table: each chunk read longer than the last (33 of 124 s at
    # 100,000 models). One branch per status matches its partial unique index
    # (one_in_force_per_model, one_pending_per_model).
    decided = [model_id for model_id, state in states.items() if state.current_tier is not None]
    if not decided:
        return states
    of_models = Determination.objects.filter(model_id__any=decided).order_by()
    columns = ("model_id", "pk", "status", "tier", "kind", ASSESSED_TIER)
    determinations = (
        of_models.filter(status=Determination.Status.IN_FORCE)
        .values_list(*columns)
        .union(of_models.filter(status=Determination.Status.PENDING_CONFIRMATION).values_list(*columns), all=True)
    )
    for model_id, pk, status, tier, kind, assessed_tier in determinations:
        state = states[model_id]
        if status == Determination.Status.PENDING_CONFIRMATION:
            states[model_id] = state._replace(pending_id=pk, pending_tier=tier)
        else:
            standing = assessed_tier if kind in HUMAN_KINDS else None
            states[model_id] = state._replace(in_force_id=pk, in_force_kind=kind, standing=standing)
    return states


def standing_decisions() -> dict[int, int]:
    """Every model whose tier was set by a human decision, with what the rule said then."""
    return {
        model_id: assessed_tier
        for model_id, assessed_tier in Determination.objects.filter(
            status=Determination.Status.IN_FORCE, kind__in=HUMAN_KINDS
        ).values_list("model_id", ASSESSED_TIER)
        if assessed_tier is not None
    }


def pending_relaxations() -> dict[int, int]:
    """Every model with a relaxation awaiting confirmation, with its tier."""
    return dict(
        Determination.objects.filter(status=Determination.Status.PENDING_CONFIRMATION).values_list("model_id", "tier")
    )


def assess(model: AIModel, threshold_set: ThresholdSet) -> TierOutcome:
    """The tier rule applied to one model's evidence under ``threshold_set`` (for display)."""
    return determine_tier(
        thresholds=thresholds_of(threshold_set),
        observations=observations_for(model),
        parent_tier=model.parent.current_tier if model.parent is not None else None,
        threshold_set=threshold_set.version,
    )
