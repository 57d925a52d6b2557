"""Lineage cascade (SPEC section 10): a parent's tier rise reaches every descendant."""

from typing import Any

from governance.jobs import enqueue
from governance.registry.models import AIModel


def descendant_ids(model_id: int) -> list[int]:
    """Every descendant of ``model_id``, breadth first: one query per generation."""
    found: list[int] = []
    frontier = [model_id]
    seen = {model_id}
    while frontier:
        children = list(AIModel.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        frontier = [pk for pk in children if pk not in seen]
        seen.update(frontier)
        found.extend(frontier)
    return found


def open_descendant_rereviews(*, model: AIModel, actor: Any = None) -> None:
    """A ``parent_tier_change`` re-review for every descendant of a model whose tier rose."""
    from governance.cases.services import open_rereview

    descendants = descendant_ids(model.pk)
    for descendant in AIModel.objects.filter(pk__in=descendants):
        open_rereview(
            model=descendant,
            trigger="parent_tier_change",
            actor=actor,
            reason=f"Ancestor {model} rose to Tier {model.current_tier}.",
        )


def on_tier_rise(*, model: AIModel, actor: Any = None) -> None:
    """Open re-reviews for every descendant and re-determine the direct children (whose
    floor may now bind; their own rises cascade further)."""
    from governance.determinations.tasks import revalidate_model_task

    open_descendant_rereviews(model=model, actor=actor)
    for child_id in AIModel.objects.filter(parent_id=model.pk).values_list("id", flat=True):
        enqueue(revalidate_model_task, child_id)
