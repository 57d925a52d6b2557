"""The read side of a revalidation of every model and of the impact preview (SPEC sections 8
and 19): the capability table gives every model's capability per domain, and each model goes
through the same pure tier rule as everywhere else, roots first, then derivatives generation
by generation, so a parent's tier is known before its derivatives' floor is applied.

A sweep may be cut into parts of whole lineage trees (:class:`Part`), each swept on its own
(by another process: ``platform.parts``): a derivative's floor is its parent's outcome, and
its parent is always in its part."""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import repeat
from typing import NamedTuple

from django.db.models import IntegerField, Max, Min, Q, QuerySet
from django.db.models.functions import Cast, Round

from governance.evidence.models import Capability
from governance.platform.bulk_read import plain_rows, read_ahead
from governance.registry.models import AIModel, RiskDomain
from governance.tiering.rule import DomainThreshold, Tiering, tiering
from governance.tiering.scores import UNITS


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
    has_derivatives: bool  # when the sweep began

    @property
    def outcome(self) -> Tiering:
        return self.outcomes[0]


class Part(NamedTuple):
    """Part ``which`` of ``among`` of a sweep: the lineage trees whose root lies in every
    ``among``-th range of :data:`READ_MODELS` ids, from the ``which``-th (from 0)."""

    which: int = 0
    among: int = 1

    def holds(self, root_id: int) -> bool:
        return (root_id // READ_MODELS) % self.among == self.which


WHOLE = Part()
READ_MODELS = 20000  # model ids per read: the sweep never holds more rows than this at once

Capabilities = Mapping[str, int | None]  # a model's capability per domain, in ten-thousandths
Floors = tuple[int | None, ...]
Read = tuple[list[tuple], dict[int, Capabilities]]


def capabilities(domains: list[str], model_ids: list[int]) -> dict[int, dict[str, int]]:
    """The capability per domain of each of ``model_ids`` with evidence, as a sweep reads
    it (the best score, in ten-thousandths: ``tiering.scores.in_units``): from the capability
    table, which the evidence services keep exact, never aggregated from the results here."""
    _, found = _Reader(domains).of_models(model_ids, with_rows=False)
    return {pk: {slug: score for slug, score in scores.items() if score is not None} for pk, scores in found.items()}


class _Reader:
    """Models' rows (``id, parent_id, current_tier, evidence_complete``) and capabilities
    (``None`` in a domain without evidence), by range of ids or by list of ids."""

    def __init__(self, domains: list[str]) -> None:
        slugs = dict(RiskDomain.objects.filter(slug__in=domains).values_list("id", "slug"))
        self.names = list(slugs.values())
        # Rounded before the cast because SQLite holds the decimals as floating point; on
        # PostgreSQL the product is already a whole number.
        self.best = {
            f"c{pk}": Cast(Round(Max("score", filter=Q(domain_id=pk)) * UNITS), output_field=IntegerField())
            for pk in slugs
        }

    def roots_of_range(self, start: int) -> Read:
        """The roots (models with no parent) of ids ``start`` to ``start + READ_MODELS``."""
        models = AIModel.objects.filter(id__gte=start, id__lt=start + READ_MODELS, parent__isnull=True)
        return self._read(models, Capability.objects.filter(model_id__gte=start, model_id__lt=start + READ_MODELS))

    def of_models(self, model_ids: list[int], *, with_rows: bool = True) -> Read:
        models = AIModel.objects.filter(id__any=model_ids) if with_rows else None
        return self._read(models, Capability.objects.filter(model_id__any=model_ids))

    def _read(self, models: QuerySet[AIModel] | None, table: QuerySet[Capability]) -> Read:
        rows = (
            list(plain_rows(models.order_by("id").values_list("id", "parent_id", "current_tier", "evidence_complete")))
            if models is not None
            else []
        )
        found: dict[int, Capabilities] = {}
        if self.best:
            pivot = table.values("model_id").annotate(**self.best).values_list("model_id", *self.best).order_by()
            names = self.names
            found = {row[0]: dict(zip(names, row[1:], strict=True)) for row in plain_rows(pivot)}
        return rows, found


def sweep(
    rulesets: Sequence[list[DomainThreshold]], floor_of: Callable[[Swept], Floors], part: Part = WHOLE
) -> Iterator[Swept]:
    """Every model's outcome (of the lineage trees of ``part``) under each of ``rulesets``
    from one read of the capabilities; writes nothing.

    Roots stream in range by range and are decided as they come (each range read while the
    one before is decided: the database works on the other core); then the derivatives, read
    by list of ids generation by generation, each decided with the floors ``floor_of``
    reported for its parent, one per ruleset (the parent's previewed tier, or the tier in
    force after a revalidation). Only the floors of models with derivatives are kept, so
    memory grows with the derivatives, not with every model. The rule compares capabilities
    and thresholds in ten-thousandths (exact integers, cheaper than ``Decimal``).
    """
    lineage = dict(plain_rows(AIModel.objects.filter(parent__isnull=False).values_list("id", "parent_id")))
    parents = set(lineage.values())
    floors: dict[int, Floors] = {}
    rules = [[threshold.in_units() for threshold in thresholds] for thresholds in rulesets]
    no_floor: Floors = (None,) * len(rules)
    reader = _Reader(sorted({t.domain for thresholds in rulesets for t in thresholds}))
    empty: Capabilities = {}

    def decided(pk: int, parent_id: int | None, tier: int | None, complete: bool, capability: Capabilities) -> Swept:
        parent_floors = floors[parent_id] if parent_id is not None else no_floor
        outcomes = tuple(map(tiering, rules, repeat(capability), parent_floors))
        swept = Swept(pk, parent_id, tier, complete, outcomes, pk in parents)
        floor = floor_of(swept)
        if swept.has_derivatives:
            floors[pk] = floor
        return swept

    span = AIModel.objects.aggregate(first=Min("id"), last=Max("id"))
    if span["first"] is None:
        return
    starts = [start for start in range(0, span["last"] + 1, READ_MODELS) if part.holds(start)]
    for rows, evidence in read_ahead(reader.roots_of_range, starts):
        for pk, _, tier, complete in rows:
            yield decided(pk, None, tier, complete, evidence.get(pk, empty))
    for rows, evidence in read_ahead(reader.of_models, _derivatives(lineage, part)):
        for pk, parent_id, tier, complete in rows:
            # A derivative registered or re-parented after the sweep began (or whose parent
            # was) is left to its own revalidation.
            if parent_id is not None and lineage.get(pk) == parent_id and parent_id in floors:
                yield decided(pk, parent_id, tier, complete, evidence.get(pk, empty))


def _derivatives(lineage: dict[int, int], part: Part) -> Iterable[list[int]]:
    """The derivatives of ``part``'s trees, in lists of at most :data:`READ_MODELS` ids,
    each generation after the one before (a list never holds two generations)."""
    root_of: dict[int, int] = {}
    for generation in generations(dict(lineage)):
        ids = []
        for pk in generation:
            parent = lineage.get(pk)
            root = root_of[pk] = pk if parent is None else root_of.get(parent, parent)
            if parent is not None and part.holds(root):
                ids.append(pk)
        for start in range(0, len(ids), READ_MODELS):
            yield ids[start : start + READ_MODELS]
