"""The tier rule of framework C-002 (SPEC section 3), as one pure function.

Revalidation of one model, of every model, and the impact preview of a draft threshold
set all go through :func:`tiering` (directly, via :func:`decide`, or via
:func:`determine_tier` from raw evidence); nothing else decides a tier.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple

from governance.tiering.scores import in_units

# A score or threshold: a ``Decimal`` of 4 places, or (in the sweeps of every model, both
# sides alike) the same value in ten-thousandths as an ``int`` (``scores.in_units``).
Score = Decimal | int

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
    low: Score
    high: Score
    critical: Score | None = None

    def in_units(self) -> "DomainThreshold":
        """The entry in ten-thousandths, to compare with capabilities read the same way."""
        return replace(
            self,
            low=_units(self.low),
            high=_units(self.high),
            critical=None if self.critical is None else _units(self.critical),
        )

    @cached_property
    def shown(self) -> dict[str, Any]:
        """The entry as a determination's basis shows it: a bulk revalidation shows each
        entry of the set in thousands of bases."""
        return {
            "low": _fmt(self.low),
            "high": _fmt(self.high),
            "critical": _fmt(self.critical),
            "catastrophic": self.catastrophic,
        }


class Observation(NamedTuple):
    """One piece of evidence: an accepted, standardized, accredited result, normalized.
    (A named tuple: a revalidation reads tens of thousands at once.)"""

    domain: str
    score: Decimal
    evaluation_id: int


@dataclass(frozen=True)
class TierOutcome:
    tier: int
    evidence_complete: bool
    derivative_floor_applied: bool
    rule_tier: int
    threshold_set: str | None = field(default=None, compare=False)
    parent_tier: int | None = field(default=None, compare=False)
    thresholds: Sequence[DomainThreshold] = field(default=(), compare=False, repr=False)
    best: Mapping[str, Decimal] = field(default_factory=dict, compare=False, repr=False)
    setters: Mapping[str, list[int]] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def basis(self) -> dict[str, Any]:
        """The explanation of the tier, recorded with a determination. Built on first use:
        the impact preview and a revalidation's unchanged models never need it."""
        return {
            "threshold_set": self.threshold_set,
            "tier": self.tier,
            "rule_tier": self.rule_tier,
            "evidence_complete": self.evidence_complete,
            "derivative_floor_applied": self.derivative_floor_applied,
            "parent_tier": self.parent_tier,
            "domains": {
                t.domain: {
                    "capability": _fmt(self.best.get(t.domain)),
                    **t.shown,
                    "band": band_for(t, self.best.get(t.domain)),
                    "evaluations": sorted(self.setters.get(t.domain, [])),
                }
                for t in sorted(self.thresholds, key=lambda t: t.domain)
            },
        }


def _level(threshold: DomainThreshold, capability: Decimal | None) -> int:
    """The band of ``capability`` as the tier it calls for (0: no evidence in the domain)."""
    if capability is None:
        return 0
    if threshold.catastrophic and threshold.critical is not None and capability > threshold.critical:
        return 4
    if capability >= threshold.high:
        return 3
    if capability >= threshold.low:
        return 2
    return 1


_BANDS = (BAND_MISSING, BAND_BELOW_LOW, BAND_LOW, BAND_HIGH, BAND_CRITICAL)


def band_for(threshold: DomainThreshold, capability: Decimal | None) -> str:
    return _BANDS[_level(threshold, capability)]


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
    return decide(
        thresholds=tuple(active.values()),
        capability=best,
        parent_tier=parent_tier,
        threshold_set=threshold_set,
        setters=setters,
    )


class Tiering(NamedTuple):
    """What the rule decides, without the explanation: all a sweep of every model needs."""

    tier: int
    evidence_complete: bool
    derivative_floor_applied: bool
    rule_tier: int


def tiering(
    thresholds: Sequence[DomainThreshold], capability: Mapping[str, Score | None], parent_tier: int | None = None
) -> Tiering:
    """The rule proper, on each domain's capability (its best evidence score; absent or
    None: no evidence there): all it reads.

    ``thresholds`` holds one entry per domain; capabilities in other domains are ignored.
    Both are ``Decimal``, or both in ten-thousandths (:meth:`DomainThreshold.in_units`).
    """
    evidence_complete = True
    rule_tier = 1
    for threshold in thresholds:
        # The bands of _level, written out: a sweep of every model runs this loop for each
        # model and domain, and the call was a third of its time (property-tested alike).
        best = capability.get(threshold.domain)
        if best is None:
            evidence_complete = False
        elif threshold.catastrophic and threshold.critical is not None and best > threshold.critical:
            rule_tier = 4
        elif best >= threshold.high:
            if rule_tier < 3:
                rule_tier = 3
        elif best >= threshold.low and rule_tier < 2:
            rule_tier = 2
    if not evidence_complete and rule_tier < 2:
        rule_tier = 2
    if parent_tier is not None and not evidence_complete and parent_tier > rule_tier:
        return Tiering(parent_tier, evidence_complete, True, rule_tier)
    return Tiering(rule_tier, evidence_complete, False, rule_tier)


def decide(
    *,
    thresholds: Sequence[DomainThreshold],
    capability: Mapping[str, Decimal],
    parent_tier: int | None = None,
    threshold_set: str | None = None,
    setters: Mapping[str, list[int]] | None = None,
) -> TierOutcome:
    """:func:`tiering` with its explanation. Bulk callers that aggregate the best scores in
    the database call this (or :func:`tiering`) directly; ``setters`` (the evaluations that
    set each capability) only feed the ``basis``.
    """
    decided = tiering(thresholds, capability, parent_tier)
    return TierOutcome(
        tier=decided.tier,
        evidence_complete=decided.evidence_complete,
        derivative_floor_applied=decided.derivative_floor_applied,
        rule_tier=decided.rule_tier,
        threshold_set=threshold_set,
        parent_tier=parent_tier,
        thresholds=thresholds,
        best=capability,
        setters=setters or {},
    )


def _units(value: Score) -> int:
    if not isinstance(value, Decimal):
        raise TypeError("The entry is in ten-thousandths already.")
    return in_units(value)


def _fmt(value: Score | None) -> str | None:
    if isinstance(value, int):  # in ten-thousandths
        value = Decimal(value).scaleb(-4)
    return None if value is None else f"{value:.4f}"
