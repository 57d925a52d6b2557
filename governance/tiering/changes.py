"""What an automatic assessment does to a model's determinations (SPEC section 4), as a
pure decision shared by revalidation of one model and of every model."""

from dataclasses import dataclass
from enum import Enum


class Change(Enum):
    NONE = "none"
    INITIAL = "initial"  # first determination: in force at once
    ESCALATE = "escalate"  # more restrictive: in force at once
    RELAX = "relax"  # less restrictive: pending a regulator's confirmation


@dataclass(frozen=True)
class Plan:
    change: Change
    supersede_pending: bool


_PLANS = {(change, supersede): Plan(change, supersede) for change in Change for supersede in (False, True)}


def plan_change(*, current: int | None, pending: int | None, assessed: int, standing: int | None = None) -> Plan:
    """``current``: the tier in force (None if none); ``pending``: the tier of a relaxation
    awaiting confirmation (None if none); ``assessed``: what the tier rule says now;
    ``standing``: when the tier in force was set by a human decision, what the rule said
    when it was made (None otherwise).

    A human decision stands while the rule's own result is what it was when the decision
    was made: the machine replaces it only when new evidence or a new threshold set moves
    the rule. (Plans are shared values: a sweep asks for one per model.)"""
    if current is None:
        return _PLANS[Change.INITIAL, pending is not None]
    if standing is not None and assessed == standing:
        return _PLANS[Change.NONE, pending is not None]
    if assessed == current:
        return _PLANS[Change.NONE, pending is not None]
    if assessed > current:
        return _PLANS[Change.ESCALATE, pending is not None]
    if pending == assessed:
        return _PLANS[Change.NONE, False]
    return _PLANS[Change.RELAX, pending is not None]
