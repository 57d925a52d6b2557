"""The tier rule of framework C-002 (SPEC section 3), as one pure function.

Revalidation of one model, of every model, and the impact preview of a draft threshold
set all call :func:`determine_tier`; nothing else decides a tier.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

TIERS = (1, 2, 3, 4)

BAND_MISSING = "missing"
BAND_BELOW_LOW = "below_low"
BAND_LOW = "low"
BAND_HIGH = "high"
BAND_CRITICAL = "critical"


@dataclass(frozen=True)
class DomainThreshold:
    """One entry of a threshold set: ``low < high`` and, if catastrophic, ``high <= critical``."""

    domain: str
    catastrophic: bool
    low: Decimal
    high: Decimal
    critical: Decimal | None = None


@dataclass(frozen=True)
class Observation:
    """One piece of evidence: an accepted, standardized, accredited result, normalized."""

    domain: str
    score: Decimal
    evaluation_id: int


@dataclass(frozen=True)
class TierOutcome:
    tier: int
    evidence_complete: bool
    derivative_floor_applied: bool
    rule_tier: int
    basis: dict[str, Any] = field(compare=False)


def band_for(threshold: DomainThreshold, capability: Decimal | None) -> str:
    if capability is None:
        return BAND_MISSING
    if threshold.catastrophic and threshold.critical is not None and capability > threshold.critical:
        return BAND_CRITICAL
    if capability >= threshold.high:
        return BAND_HIGH
    if capability >= threshold.low:
        return BAND_LOW
    return BAND_BELOW_LOW


def determine_tier(
    *,
    thresholds: Sequence[DomainThreshold],
    observations: Iterable[Observation],
    parent_tier: int | None = None,
    threshold_set: str | None = None,
) -> TierOutcome:
    """Return the model's tier under ``thresholds`` with its explanation (``basis``).

    ``observations`` must already be evidence (section 3); observations in domains the set
    has no entry for are ignored. ``parent_tier`` is the parent's current tier for a
    derivative (None otherwise); it is a floor only while the model's own evidence is
    incomplete.
    """
    active = {t.domain: t for t in thresholds}
    best: dict[str, Decimal] = {}
    setters: dict[str, list[int]] = {}
    for obs in observations:
        if obs.domain not in active:
            continue
        current = best.get(obs.domain)
        if current is None or obs.score > current:
            best[obs.domain] = obs.score
            setters[obs.domain] = [obs.evaluation_id]
        elif obs.score == current:
            setters[obs.domain].append(obs.evaluation_id)

    bands = {domain: band_for(t, best.get(domain)) for domain, t in active.items()}
    evidence_complete = all(band != BAND_MISSING for band in bands.values())
    values = set(bands.values())
    if BAND_CRITICAL in values:
        rule_tier = 4
    elif BAND_HIGH in values:
        rule_tier = 3
    elif BAND_LOW in values:
        rule_tier = 2
    elif evidence_complete:
        rule_tier = 1
    else:
        rule_tier = 2

    floor_applied = False
    tier = rule_tier
    if parent_tier is not None and not evidence_complete and parent_tier > rule_tier:
        tier = parent_tier
        floor_applied = True

    basis = {
        "threshold_set": threshold_set,
        "tier": tier,
        "rule_tier": rule_tier,
        "evidence_complete": evidence_complete,
        "derivative_floor_applied": floor_applied,
        "parent_tier": parent_tier,
        "domains": {
            domain: {
                "capability": _fmt(best.get(domain)),
                "low": _fmt(t.low),
                "high": _fmt(t.high),
                "critical": _fmt(t.critical),
                "catastrophic": t.catastrophic,
                "band": bands[domain],
                "evaluations": sorted(setters.get(domain, [])),
            }
            for domain, t in sorted(active.items())
        },
    }
    return TierOutcome(
        tier=tier,
        evidence_complete=evidence_complete,
        derivative_floor_applied=floor_applied,
        rule_tier=rule_tier,
        basis=basis,
    )


def _fmt(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.4f}"
