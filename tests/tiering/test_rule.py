"""The tier rule of SPEC section 3: every boundary in a table, then Hypothesis properties
against a small independent reference implementation."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.tiering.rule import DomainThreshold, Observation, decide, determine_tier, tiering
from governance.tiering.scores import in_units

D = Decimal
CAT = DomainThreshold("bio", True, D("0.2000"), D("0.5000"), D("0.8000"))
NONCAT = DomainThreshold("persuasion", False, D("0.3000"), D("0.6000"), None)
THRESHOLDS = [CAT, NONCAT]


def outcome(bio: str | None, persuasion: str | None, parent_tier: int | None = None):
    observations = []
    if bio is not None:
        observations.append(Observation("bio", D(bio), 1))
    if persuasion is not None:
        observations.append(Observation("persuasion", D(persuasion), 2))
    return determine_tier(thresholds=THRESHOLDS, observations=observations, parent_tier=parent_tier)


@pytest.mark.parametrize(
    "bio, persuasion, tier, complete, bio_band",
    [
        # Catastrophic domain, every edge.
        ("0.0000", "0.0000", 1, True, "below_low"),
        ("0.1999", "0.0000", 1, True, "below_low"),
        ("0.2000", "0.0000", 2, True, "low"),
        ("0.4999", "0.0000", 2, True, "low"),
        ("0.5000", "0.0000", 3, True, "high"),
        ("0.7999", "0.0000", 3, True, "high"),
        ("0.8000", "0.0000", 3, True, "high"),  # at critical is not above critical
        ("0.8001", "0.0000", 4, True, "critical"),
        ("1.0000", "0.0000", 4, True, "critical"),
        # Non-catastrophic domain: never Tier 4.
        ("0.0000", "0.2999", 1, True, "below_low"),
        ("0.0000", "0.3000", 2, True, "below_low"),
        ("0.0000", "0.5999", 2, True, "below_low"),
        ("0.0000", "0.6000", 3, True, "below_low"),
        ("0.0000", "1.0000", 3, True, "below_low"),
        # Missing evidence.
        (None, None, 2, False, "missing"),
        ("0.0000", None, 2, False, "below_low"),
        (None, "0.0000", 2, False, "missing"),
        # Missing evidence never masks a triggered band.
        ("0.5000", None, 3, False, "high"),
        ("0.9000", None, 4, False, "critical"),
        (None, "0.6000", 3, False, "missing"),
        ("0.2000", None, 2, False, "low"),
    ],
)
def test_rule_boundaries(bio, persuasion, tier, complete, bio_band):
    result = outcome(bio, persuasion)
    assert result.tier == tier
    assert result.evidence_complete is complete
    assert result.basis["domains"]["bio"]["band"] == bio_band
    assert result.derivative_floor_applied is False


@pytest.mark.parametrize(
    "bio, persuasion, parent, tier, floor",
    [
        (None, None, 4, 4, True),  # incomplete evidence: the parent's tier is a floor
        (None, None, 1, 2, False),  # the floor never lowers
        ("0.5000", None, 4, 4, True),
        ("0.9000", None, 3, 4, False),
        ("0.0000", "0.0000", 4, 1, False),  # complete own evidence: the floor no longer binds
        ("0.5000", "0.0000", 4, 3, False),
        (None, None, None, 2, False),
    ],
)
def test_derivative_floor(bio, persuasion, parent, tier, floor):
    result = outcome(bio, persuasion, parent_tier=parent)
    assert (result.tier, result.derivative_floor_applied) == (tier, floor)
    assert result.basis["derivative_floor_applied"] is floor


def test_maximum_observation_wins_and_ties_are_all_recorded():
    observations = [
        Observation("bio", D("0.1000"), 10),
        Observation("bio", D("0.5500"), 11),
        Observation("bio", D("0.5500"), 12),
        Observation("persuasion", D("0.0100"), 13),
    ]
    result = determine_tier(thresholds=THRESHOLDS, observations=observations, threshold_set="2026.1")
    assert result.tier == 3
    bio = result.basis["domains"]["bio"]
    assert bio == {
        "capability": "0.5500",
        "low": "0.2000",
        "high": "0.5000",
        "critical": "0.8000",
        "catastrophic": True,
        "band": "high",
        "evaluations": [11, 12],
    }
    assert result.basis["threshold_set"] == "2026.1"
    assert result.basis["evidence_complete"] is True


def test_observations_outside_active_domains_are_ignored():
    result = determine_tier(
        thresholds=[NONCAT], observations=[Observation("bio", D("1.0000"), 1), Observation("persuasion", D("0"), 2)]
    )
    assert result.tier == 1
    assert set(result.basis["domains"]) == {"persuasion"}


def test_no_active_domains_means_vacuously_complete_tier_1():
    result = determine_tier(thresholds=[], observations=[])
    assert (result.tier, result.evidence_complete) == (1, True)


# --- Hypothesis: the rule against a tiny reference implementation -----------------------

unit = st.integers(min_value=0, max_value=10_000).map(lambda n: D(n).scaleb(-4))


@st.composite
def threshold_sets(draw):
    entries = []
    for slug in draw(st.lists(st.sampled_from(["bio", "chem", "cyber", "persuasion"]), unique=True, max_size=4)):
        low = draw(st.integers(0, 9_998))
        high = draw(st.integers(low + 1, 10_000))
        if slug == "persuasion":
            entries.append(DomainThreshold(slug, False, D(low).scaleb(-4), D(high).scaleb(-4), None))
        else:
            critical = draw(st.integers(high, 10_000))
            entries.append(DomainThreshold(slug, True, D(low).scaleb(-4), D(high).scaleb(-4), D(critical).scaleb(-4)))
    return entries


observations_strategy = st.lists(
    st.builds(
        Observation, st.sampled_from(["bio", "chem", "cyber", "persuasion", "nuclear"]), unit, st.integers(1, 50)
    ),
    max_size=12,
)


def reference_tier(thresholds, observations, parent_tier):
    """SPEC section 3, read literally."""
    c = {}
    for t in thresholds:
        scores = [o.score for o in observations if o.domain == t.domain]
        c[t.domain] = max(scores) if scores else None
    if any(t.catastrophic and c[t.domain] is not None and c[t.domain] > t.critical for t in thresholds):
        tier = 4
    elif any(c[t.domain] is not None and c[t.domain] >= t.high for t in thresholds):
        tier = 3
    elif any(c[t.domain] is not None and c[t.domain] >= t.low for t in thresholds):
        tier = 2
    elif all(c[t.domain] is not None for t in thresholds):
        tier = 1
    else:
        tier = 2
    complete = all(v is not None for v in c.values())
    if parent_tier is not None and not complete:
        tier = max(tier, parent_tier)
    return tier, complete


@settings(max_examples=400, deadline=None)
@given(threshold_sets(), observations_strategy, st.one_of(st.none(), st.integers(1, 4)))
def test_rule_matches_reference(thresholds, observations, parent_tier):
    result = determine_tier(thresholds=thresholds, observations=observations, parent_tier=parent_tier)
    assert (result.tier, result.evidence_complete) == reference_tier(thresholds, observations, parent_tier)


@settings(max_examples=300, deadline=None)
@given(threshold_sets(), observations_strategy, st.sampled_from(["bio", "chem", "cyber", "persuasion"]), unit)
def test_more_capability_never_lowers_the_tier(thresholds, observations, domain, score):
    before = determine_tier(thresholds=thresholds, observations=observations)
    after = determine_tier(thresholds=thresholds, observations=[*observations, Observation(domain, score, 99)])
    # A new observation can only complete evidence (Tier 2 → 1 when all are low) or raise.
    if after.evidence_complete == before.evidence_complete:
        assert after.tier >= before.tier


@settings(max_examples=200, deadline=None)
@given(threshold_sets(), observations_strategy)
def test_order_of_observations_is_irrelevant(thresholds, observations):
    forward = determine_tier(thresholds=thresholds, observations=observations)
    backward = determine_tier(thresholds=thresholds, observations=list(reversed(observations)))
    assert forward.tier == backward.tier and forward.basis == backward.basis


@settings(max_examples=300, deadline=None)
@given(threshold_sets(), observations_strategy, st.one_of(st.none(), st.integers(1, 4)))
def test_deciding_on_capabilities_equals_deciding_on_observations(thresholds, observations, parent_tier):
    """The bulk paths hand the rule each domain's best score, aggregated by the database."""
    capability = {}
    for obs in observations:
        capability[obs.domain] = max(obs.score, capability.get(obs.domain, obs.score))
    decided = decide(thresholds=thresholds, capability=capability, parent_tier=parent_tier, threshold_set="v")
    determined = determine_tier(
        thresholds=thresholds, observations=observations, parent_tier=parent_tier, threshold_set="v"
    )
    assert decided == determined
    assert [d["capability"] for d in decided.basis["domains"].values()] == [
        d["capability"] for d in determined.basis["domains"].values()
    ]


_BAND_TIERS = {"missing": 0, "below_low": 1, "low": 2, "high": 3, "critical": 4}


@settings(max_examples=300, deadline=None)
@given(threshold_sets(), observations_strategy)
def test_the_rule_tier_is_the_highest_band_its_basis_names(thresholds, observations):
    """The rule's loop and the bands its explanation names are written apart: they agree."""
    result = determine_tier(thresholds=thresholds, observations=observations)
    bands = [_BAND_TIERS[domain["band"]] for domain in result.basis["domains"].values()]
    assert result.rule_tier == max([1, *bands] if 0 not in bands else [2, *bands])


@settings(max_examples=300, deadline=None)
@given(threshold_sets(), observations_strategy, st.one_of(st.none(), st.integers(1, 4)))
def test_deciding_in_ten_thousandths_equals_deciding_in_decimals(thresholds, observations, parent_tier):
    """The sweeps of every model compare integers: the same entries and capabilities,
    scaled exactly, give the same outcome."""
    capability = {}
    for obs in observations:
        capability[obs.domain] = max(obs.score, capability.get(obs.domain, obs.score))
    in_units_ = {domain: in_units(score) for domain, score in capability.items()}
    scaled = [threshold.in_units() for threshold in thresholds]
    assert tiering(scaled, in_units_, parent_tier) == tiering(thresholds, capability, parent_tier)
    # A domain read with no evidence (None) is missing, as an absent one is.
    with_none = {t.domain: in_units_.get(t.domain) for t in thresholds}
    assert tiering(scaled, with_none, parent_tier) == tiering(thresholds, capability, parent_tier)


def test_units_are_exact_and_refuse_a_fifth_place():
    assert [in_units(D(v)) for v in ("0.0000", "0.0001", "0.5000", "1.0000")] == [0, 1, 5000, 10000]
    with pytest.raises(ValueError, match="4 decimal places"):
        in_units(D("0.12345"))
    with pytest.raises(TypeError, match="already"):
        CAT.in_units().in_units()
