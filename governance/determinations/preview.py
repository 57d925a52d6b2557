"""The impact preview of a threshold set (SPEC section 8): what the set itself would change.

The rule under the draft is compared with the rule under the set in force, on the same
evidence, in one sweep. A model "moves" when the draft changes the rule's result for it.
Models whose tier in force already departs from the rule (a relaxation awaiting
confirmation, a human decision) are listed apart, so they are not counted as the draft's.
Writes nothing.

With many models the sweep is cut into parts of whole lineage trees, swept side by side in
processes of their own (``SWEEP_PROCESSES``), and their tallies added up.
"""

from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db.models import Max

from governance.baselines.models import ThresholdSet
from governance.baselines.selectors import threshold_set_in_force, thresholds_of
from governance.determinations.sweep import Floors, Part, Swept, sweep
from governance.platform.gc_pause import cyclic_gc_paused
from governance.platform.processes import in_processes
from governance.registry.models import AIModel
from governance.tiering.rule import DomainThreshold

Move = tuple[int, int | None, int, int | None]  # model, rule's tier in force, draft's, current
OffRule = tuple[int, int, int, int]  # model, current tier, rule's tier in force, draft's


@dataclass
class _Tally:
    """What a sweep (or a part of one) finds: the matrix's counts, the moves, the models off
    the rule."""

    counts: Counter[tuple[int, int]] = field(default_factory=Counter)
    moves: list[Move] = field(default_factory=list)
    off_rule: list[OffRule] = field(default_factory=list)

    def add(self, other: "_Tally") -> None:
        self.counts.update(other.counts)
        self.moves += other.moves
        self.off_rule += other.off_rule


def _floors(swept: Swept) -> Floors:
    """A derivative's floor under each set: its parent's tier under the same set."""
    return tuple([outcome.tier for outcome in swept.outcomes])


def _tally(rulesets: list[list[DomainThreshold]], index: int, count: int) -> _Tally:
    """The tally of part ``index`` of ``count`` of the sweep under the draft (first) and, if
    one is given, the set in force (second; otherwise the tier in force stands in)."""
    tally = _Tally()
    counts, moves, off_rule = tally.counts, tally.moves, tally.off_rule
    compared = len(rulesets) > 1
    with cyclic_gc_paused():
        for swept in sweep(rulesets, _floors, Part(index, count)):
            tier = swept.outcomes[0].tier
            current = swept.current_tier
            ruled = swept.outcomes[1].tier if compared else current
            if ruled is not None:
                counts[ruled, tier] += 1
            if ruled != tier:
                moves.append((swept.model_id, ruled, tier, current))
            if current is not None and ruled is not None and current != ruled:
                off_rule.append((swept.model_id, current, ruled, tier))
    return tally


def _parts() -> int:
    """How many processes to sweep in: one unless there are enough models to repay starting
    the others: a part needs ranges of ids of its own, and its process its share of work."""
    last = AIModel.objects.aggregate(last=Max("id"))["last"] or 0
    return settings.SWEEP_PROCESSES if last >= settings.SWEEP_PROCESSES_FROM else 1


def impact_preview(threshold_set: ThresholdSet) -> dict[str, Any]:
    """The 4-by-4 matrix of the rule's tier under the set in force → under ``threshold_set``,
    the models that move, and the models off the rule, each list in model order. A
    derivative's floor is its parent's tier under the same set. With no set in force yet,
    the tier in force stands in for the rule's; models with no tier are listed among the
    changes (``from_tier`` null) but not counted in the matrix."""
    in_force = threshold_set_in_force()
    rulesets = [thresholds_of(threshold_set)]
    if in_force is not None:
        rulesets.append(thresholds_of(in_force))
    tally = _Tally()
    for part in in_processes(partial(_tally, rulesets), _parts()):
        tally.add(part)
    moves, off_rule = sorted(tally.moves), sorted(tally.off_rule)
    matrix = {str(a): {str(b): tally.counts[a, b] for b in range(1, 5)} for a in range(1, 5)}
    names = {
        pk: f"{name} {version}"
        for pk, name, version in AIModel.objects.filter(
            pk__any=[move[0] for move in moves] + [off[0] for off in off_rule]
        ).values_list("id", "name", "version")
    }
    return {
        "threshold_set": threshold_set.version,
        "compared_with": in_force.version if in_force is not None else None,
        "matrix": matrix,
        "changes": [
            {"model": pk, "name": names[pk], "from_tier": ruled, "to_tier": tier, "current_tier": current}
            for pk, ruled, tier, current in moves
            if pk in names
        ],
        "off_rule": [
            {"model": pk, "name": names[pk], "current_tier": current, "rule_tier": ruled, "draft_tier": tier}
            for pk, current, ruled, tier in off_rule
            if pk in names
        ],
    }
