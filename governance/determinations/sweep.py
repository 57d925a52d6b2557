"""The read side of a revalidation of every model and of the impact preview (SPEC sections 8
and 19): one aggregate query gives every model's capability per domain, and each model goes
through the same pure tier rule as everywhere else, roots first, then derivatives generation
by generation, so a parent's tier is known before its derivatives' floor is applied."""

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Max, Q

from governance.evidence.selectors import evidence
from governance.platform.bulk_read import plain_rows
from governance.registry.models import AIModel
from governance.tiering.rule import DomainThreshold, Tiering, tiering


def generations(parents: dict[int, int | None]) -> list[list[int]]:
    """Model ids by lineage depth, from ``{model: parent}``: roots, their children, and so on."""
    depths: dict[int, int] = {}
    for start in parents:
        pk: int | None = start
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
    outcomes: tuple[Tiering, ...]  # one per set of thresholds swept, in their order

    @property
    def outcome(self) -> Tiering:
        return self.outcomes[0]


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


Floors = tuple[int | None, ...]


def sweep(rulesets: Sequence[list[DomainThreshold]], floor_of: Callable[[Swept], Floors]) -> Iterator[Swept]:
    """Every model's outcome under each of ``rulesets`` from one read of the evidence;
    writes nothing.

    Roots are decided as their rows stream in; derivatives wait and are decided generation by
    generation, each with the floors ``floor_of`` reports for its parent, one per ruleset (the
    parent's previewed tier, or the tier in force after a revalidation).
    """
    models = {
        pk: (parent_id, tier, complete)
        for pk, parent_id, tier, complete in plain_rows(
            AIModel.objects.values_list("id", "parent_id", "current_tier", "evidence_complete")
        )
    }
    floors: dict[int, Floors] = {}
    waiting: dict[int, dict[str, Decimal]] = {}
    no_floor: Floors = (None,) * len(rulesets)
    domains = sorted({t.domain for thresholds in rulesets for t in thresholds})

    def decided(pk: int, capability: dict[str, Decimal]) -> Swept:
        parent_id, tier, complete = models[pk]
        parent_floors = floors[parent_id] if parent_id is not None else no_floor
        outcomes = tuple(
            tiering(thresholds, capability, floor) for thresholds, floor in zip(rulesets, parent_floors, strict=True)
        )
        swept = Swept(pk, parent_id, tier, complete, outcomes)
        floors[pk] = floor_of(swept)
        return swept

    for pk, capability in capabilities(domains):
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
