"""Template helpers: tier badges, the basis of a determination in words, people by name."""

from datetime import date
from typing import Any, cast

from django import template
from django.utils import timezone

from governance.registry import people
from governance.tiering import transitions
from governance.tiering.access import ACCESS_CONDITIONS, TIER_NAMES

register = template.Library()

# ``dict.get`` takes any key: a tier of None (not yet determined) finds the default.
_TIER_NAMES = cast("dict[int | None, str]", TIER_NAMES)
_ACCESS_CONDITIONS = cast("dict[int | None, str]", ACCESS_CONDITIONS)

BAND_WORDS = {
    "missing": "no accepted standardized evidence",
    "below_low": "below the low threshold",
    "low": "at or above low, below high",
    "high": "at or above high",
    "critical": "above critical",
}


@register.inclusion_tag("partials/tier_badge.html")
def tier_badge(tier: int | None) -> dict[str, Any]:
    return {"tier": tier, "name": _TIER_NAMES.get(tier, "Not yet determined")}


@register.filter
def tier_name(tier: int | None) -> str:
    return _TIER_NAMES.get(tier, "Not yet determined")


@register.filter
def access_condition(tier: int | None) -> str:
    return _ACCESS_CONDITIONS.get(tier, "No determination yet.")


@register.filter
def basis_sentences(basis: dict[str, Any]) -> list[str]:
    """Each active domain's reading, then the rule's conclusion, in plain words."""
    if not basis or "domains" not in basis:
        return ["This determination records no rule assessment."]
    lines = []
    for domain, entry in basis["domains"].items():
        capability = entry.get("capability")
        thresholds = f"low {entry['low']}, high {entry['high']}" + (
            f", critical {entry['critical']}" if entry.get("critical") else ""
        )
        if capability is None:
            lines.append(f"{domain}: {BAND_WORDS['missing']} (thresholds {thresholds}).")
        else:
            evaluations = ", ".join(f"#{pk}" for pk in entry.get("evaluations", []))
            lines.append(
                f"{domain}: capability {capability} is {BAND_WORDS[entry['band']]} ({thresholds}); "
                f"set by evaluation {evaluations}."
            )
    rule_tier = basis.get("rule_tier", basis.get("tier"))
    lines.append(
        f"The tier rule gives Tier {rule_tier}"
        + ("" if basis.get("evidence_complete") else "; evidence is incomplete in at least one domain")
        + "."
    )
    if basis.get("derivative_floor_applied"):
        lines.append(
            f"The parent's Tier {basis.get('parent_tier')} applies as a floor "
            "until this derivative has complete evidence."
        )
    if basis.get("decision"):
        lines.append(f"A human decision ({basis['decision'].replace('_', ' ')}) set Tier {basis.get('tier')}.")
    return lines


@register.filter
def person(user: Any) -> str:
    """``{{ contest.adjudicator|person }}``: the full name, else the username."""
    return people.person(user)


@register.filter
def humanize_state(value: str) -> str:
    return (value or "").replace("_", " ")


@register.filter
def may(obj: Any, action: str) -> bool:
    """Whether ``obj``'s state allows ``action`` (``governance.tiering.transitions``): the pages
    offer only what the services would accept. Whether the reader may act is the view's."""
    state = getattr(obj, "state", "") or getattr(obj, "status", "")
    return transitions.allows(obj._meta.model_name, action, state)


@register.simple_tag
def days_left(due: date | None) -> str:
    """A running clock as people say it: 'N days left', 'due today', 'N days overdue'."""
    if due is None:
        return "no date set"
    days = (due - timezone.localdate()).days
    if days == 0:
        return "due today"
    if days > 0:
        return f"{days} day{'s' if days != 1 else ''} left"
    return f"{-days} day{'s' if days != -1 else ''} overdue"
