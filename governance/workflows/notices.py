"""The texts of the notices a tier change sends (SPEC sections 4 and 13), in one place."""

from django.conf import settings

from governance.determinations.models import Determination
from governance.determinations.writer import Written


def in_force_subject(written: Written) -> str:
    return f"{written.state.label} is now Tier {written.tier}"


def in_force_body(written: Written) -> str:
    kind = Determination.Kind(written.kind).label
    if written.kind == Determination.Kind.APPEAL_DECISION:
        window = "This appeal decision is final."
    else:
        window = f"You may contest it within {settings.CONTEST_WINDOW_DAYS} days."
    return f"{kind} determination in force. {written.rationale}\n{window}"


def pending_subject(written: Written) -> str:
    return f"{written.state.label}: relaxation to Tier {written.tier} awaits confirmation"


def pending_body(written: Written) -> str:
    return (
        f"{written.rationale}\nTier {written.previous_tier} stays in force until a regulator confirms or "
        "rejects the relaxation."
    )


def automatic_rationale(change: str, current: int | None, assessed: int) -> str:
    """Why the tier rule changed a model's tier (``change``: initial, escalate or relax)."""
    if change == "initial":
        return "First determination under the tier rule."
    if change == "escalate":
        return f"Escalated from Tier {current} by the tier rule; in force at once."
    # The rationale is immutable and outlives the pending state: it says why, never "waiting".
    return (
        f"The tier rule supports relaxing Tier {current} to Tier {assessed}; "
        "making access less restrictive is a regulator's decision."
    )


def replaces_decision(kind: str, pk: int, standing: int | None, assessed: int) -> str:
    """What an automatic determination says when it replaces a human decision."""
    then = f" when the tier rule gave Tier {standing}" if standing is not None else ""
    return (
        f" It replaces the {Determination.Kind(kind).label.lower()} determination #{pk}, made{then}: "
        f"the rule's result is now Tier {assessed}. A re-review is opened for a regulator."
    )


def rereview_reason(cause_label: str, written: Written) -> str:
    return f"{cause_label}; the tier rule now gives Tier {written.tier}."


def descendant_reason(ancestor: str, tier: int | None) -> str:
    return f"Ancestor {ancestor} rose to Tier {tier}."
