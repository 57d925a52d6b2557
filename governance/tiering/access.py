"""What a tier asks before weights are served (SPEC sections 2 and 21). Pure: no Django.

Tier 1 asks nothing; Tier 2 a verified identity and a use attestation; Tier 3 also a
confirmed affiliation with a verified research organisation and a research purpose; Tier 4
admits no open release at all.
"""

from enum import StrEnum
from typing import NamedTuple

# The tiers as the register names them, and what each asks, in words (SPEC section 2).
TIER_NAMES = {1: "Unrestricted", 2: "Access-restricted", 3: "Restricted", 4: "Closed"}
ACCESS_CONDITIONS = {
    1: "Public download, no registration.",
    2: "Download requires identity verification and a use attestation.",
    3: "Research-only access with institutional verification and an access audit register.",
    4: "No open release; monitored API access only.",
}


class Condition(StrEnum):
    NONE = "none"
    IDENTITY_AND_ATTESTATION = "identity_and_attestation"
    RESEARCH_ONLY = "research_only"
    CLOSED = "closed"


CONDITION_BY_TIER = {
    1: Condition.NONE,
    2: Condition.IDENTITY_AND_ATTESTATION,
    3: Condition.RESEARCH_ONLY,
    4: Condition.CLOSED,
}

TIER_4_REASON = "Tier 4 (Closed): no open release; the weights are available only through monitored API access."


def condition(tier: int | None) -> Condition | None:
    return CONDITION_BY_TIER.get(tier) if tier is not None else None


def requestable(tier: int | None) -> str | None:
    """Why no request can be made for a model of ``tier``, or None when one can."""
    if tier is None:
        return "The model has no tier in force yet."
    if tier == 1:
        return "Tier 1 (Unrestricted): public download, no request needed."
    if tier == 4:
        return TIER_4_REASON
    return None


def needs_affiliation(tier: int) -> bool:
    return tier == 3


def grant_holds(tier: int, *, research: bool) -> bool:
    """Whether a grant stays active when its model is at ``tier``: any grant under Tier 2, a
    research grant (confirmed affiliation and purpose) under Tier 3, none under Tier 4."""
    if tier <= 2:
        return True
    if tier == 3:
        return research
    return False


class Answer(NamedTuple):
    allowed: bool
    condition: str | None
    reason: str


def answer(tier: int | None, *, grant_state: str | None, grant_research: bool, grant_expired: bool) -> Answer:
    """The gate's answer for a model at ``tier`` and the requester's latest grant on it."""
    cond = condition(tier)
    if tier is None:
        return Answer(False, None, "The model has no tier in force; nothing may be served yet.")
    if tier == 1:
        return Answer(True, cond, "")
    if tier == 4:
        return Answer(False, cond, TIER_4_REASON)
    if grant_state is None:
        return Answer(False, cond, f"No access grant: Tier {tier} weights need an approved access request.")
    if grant_state == "active" and grant_expired:
        return Answer(False, cond, "The access grant has expired; a new request renews it.")
    if grant_state != "active":
        return Answer(False, cond, f"The access grant is {grant_state}.")
    if not grant_holds(tier, research=grant_research):
        return Answer(False, cond, f"The grant does not meet Tier {tier}'s condition (research access only).")
    return Answer(True, cond, "")
