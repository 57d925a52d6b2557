"""The impact preview of a threshold set (SPEC section 8): what the set itself would change.

The rule under the draft is compared with the rule under the set in force, on the same
evidence, in one sweep. A model "moves" when the draft changes the rule's result for it.
Models whose tier in force already departs from the rule (a relaxation awaiting
confirmation, a human decision) are listed apart, so they are not counted as the draft's.
Writes nothing.
"""

from collections import Counter
from typing import Any

from governance.baselines.models import ThresholdSet
from governance.baselines.selectors import threshold_set_in_force, thresholds_of
from governance.determinations.sweep import Floors, Swept, sweep
from governance.platform.gc_pause import cyclic_gc_paused
from governance.registry.models import AIModel


def impact_preview(threshold_set: ThresholdSet) -> dict[str, Any]:
    """The 4-by-4 matrix of the rule's tier under the set in force → under ``threshold_set``,
    the models that move, and the models off the rule. A derivative's floor is its parent's
    tier under the same set. With no set in force yet, the tier in force stands in for the
    rule's; models with no tier are listed among the changes (``from_tier`` null) but not
    counted in the matrix."""
    in_force = threshold_set_in_force()
    rulesets = [thresholds_of(threshold_set)]
    if in_force is not None:
        rulesets.append(thresholds_of(in_force))
    counts: Counter[tuple[int, int]] = Counter()
    moves: list[tuple[int, int | None, int, int | None]] = []
    off_rule: list[tuple[int, int, int, int]] = []

    def floors(swept: Swept) -> Floors:
        return tuple([outcome.tier for outcome in swept.outcomes])

    with cyclic_gc_paused():
        for swept in sweep(rulesets, floors):
            tier = swept.outcomes[0].tier
            ruled = swept.outcomes[1].tier if in_force is not None else swept.current_tier
            if ruled is not None:
                counts[ruled, tier] += 1
            if ruled != tier:
                moves.append((swept.model_id, ruled, tier, swept.current_tier))
            if swept.current_tier is not None and ruled is not None and swept.current_tier != ruled:
                off_rule.append((swept.model_id, swept.current_tier, ruled, tier))
    matrix = {str(a): {str(b): counts[a, b] for b in range(1, 5)} for a in range(1, 5)}
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
