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


def plan_change(*, current: int | None, pending: int | None, assessed: int) -> Plan:
    """``current``: the tier in force (None if none); ``pending``: the tier of a relaxation
    awaiting confirmation (None if none); ``assessed``: what the tier rule says now."""
    if current is None:
        return Plan(Change.INITIAL, supersede_pending=pending is not None)
    if assessed == current:
        return Plan(Change.NONE, supersede_pending=pending is not None)
    if assessed > current:
        return Plan(Change.ESCALATE, supersede_pending=pending is not None)
    if pending == assessed:
        return Plan(Change.NONE, supersede_pending=False)
    return Plan(Change.RELAX, supersede_pending=pending is not None)
