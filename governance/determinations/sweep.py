"""The read side of a revalidation of every model and of the impact preview (SPEC sections 8
and 19): the capability table gives every model's capability per domain, and each model goes
through the same pure tier rule as everywhere else, roots first, then derivatives generation
by generation, so a parent's tier is known before its derivatives' floor is applied."""

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Max, Min, Q

from governance.evidence.models import Capability
from governance.platform.bulk_read import plain_rows
from governance.registry.models import AIModel, RiskDomain
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


READ_MODELS = 20000  # model ids per read: the sweep never holds more rows than this at once


def capabilities(domains: list[str], model_ids: list[int] | None = None) -> Iterator[tuple[int, dict[str, Decimal]]]:
    """Each model with evidence (of ``model_ids``, or all) and its capability per domain
    (the best score), in model order: read from the capability table, which the evidence
    services keep exact, never aggregated from the results here.

    Read range by range of model ids (:data:`READ_MODELS` at a time), so that memory does
    not grow with the number of models."""
    for _, found in _ranges(domains, model_ids, with_models=False):
        yield from found


def _pivot(domains: list[str]) -> tuple[dict[int, str], dict[str, Max]]:
    slugs = dict(RiskDomain.objects.filter(slug__in=domains).values_list("id", "slug"))
    return slugs, {f"c{pk}": Max("score", filter=Q(domain_id=pk)) for pk in slugs}


def _ranges(
    domains: list[str], model_ids: list[int] | None, *, with_models: bool
) -> Iterator[tuple[list[tuple], list[tuple[int, dict[str, Decimal]]]]]:
    """Range by range of model ids: the models' rows (``id, parent_id, current_tier,
    evidence_complete``; when ``with_models``) and the capabilities of those with evidence."""
    slugs, best = _pivot(domains)
    names = [slugs[int(alias[1:])] for alias in best]
    table = Capability.objects.all()
    models = AIModel.objects.order_by("id")
    if model_ids is not None:
        table, models = table.filter(model_id__any=model_ids), models.filter(id__any=model_ids)
    span = models.aggregate(first=Min("id"), last=Max("id"))
    if span["first"] is None:
        return
    for start in range(span["first"], span["last"] + 1, READ_MODELS):
        end = start + READ_MODELS
        rows = (
            list(
                plain_rows(
                    models.filter(id__gte=start, id__lt=end).values_list(
                        "id", "parent_id", "current_tier", "evidence_complete"
                    )
                )
            )
            if with_models
            else []
        )
        found = []
        if best:
            pivot = (
                table.filter(model_id__gte=start, model_id__lt=end)
                .values("model_id")
                .annotate(**best)
                .values_list("model_id", *best)
                .order_by("model_id")
            )
            for model_id, *scores in plain_rows(pivot):
                found.append(
                    (model_id, {slug: score for slug, score in zip(names, scores, strict=True) if score is not None})
                )
        yield rows, found


Floors = tuple[int | None, ...]


def sweep(rulesets: Sequence[list[DomainThreshold]], floor_of: Callable[[Swept], Floors]) -> Iterator[Swept]:
    """Every model's outcome under each of ``rulesets`` from one read of the capabilities;
    writes nothing.

    Models stream in range by range and roots are decided as they come; derivatives (read
    first, with their parents) wait and are decided generation by generation, each with the
    floors ``floor_of`` reports for its parent, one per ruleset (the parent's previewed tier,
    or the tier in force after a revalidation). Only the floors of models with derivatives
    are kept, so memory grows with the derivatives, not with every model.
    """
    lineage = dict(plain_rows(AIModel.objects.filter(parent__isnull=False).values_list("id", "parent_id")))
    parents = set(lineage.values())
    floors: dict[int, Floors] = {}
    waiting: dict[int, tuple[int, int | None, bool, dict[str, Decimal]]] = {}
    rules = list(rulesets)
    no_floor: Floors = (None,) * len(rules)
    domains = sorted({t.domain for thresholds in rulesets for t in thresholds})
    empty: dict[str, Decimal] = {}

    def decided(pk: int, parent_id: int | None, tier: int | None, complete: bool, capability: dict) -> Swept:
        parent_floors = floors[parent_id] if parent_id is not None else no_floor
        outcomes = tuple(
            [tiering(thresholds, capability, floor) for thresholds, floor in zip(rules, parent_floors, strict=True)]
        )
        swept = Swept(pk, parent_id, tier, complete, outcomes)
        floor = floor_of(swept)
        if pk in parents:
            floors[pk] = floor
        return swept

    for rows, found in _ranges(domains, None, with_models=True):
        evidence = dict(found)
        for pk, parent_id, tier, complete in rows:
            if parent_id is None:
                yield decided(pk, None, tier, complete, evidence.get(pk, empty))
            elif lineage.get(pk) == parent_id:
                waiting[pk] = (parent_id, tier, complete, evidence.get(pk, empty))
            # else: registered (or re-parented) after the sweep began; its own revalidation covers it
    for generation in generations({pk: parent_id for pk, (parent_id, *_) in waiting.items()}):
        for pk in generation:
            if pk in waiting:
                yield decided(pk, *waiting.pop(pk))
