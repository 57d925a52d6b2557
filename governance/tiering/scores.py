"""Normalization of raw benchmark scores to capability in [0, 1] (SPEC section 3)."""

from decimal import ROUND_HALF_EVEN, Decimal

FOUR_PLACES = Decimal("0.0001")
UNITS = 10_000  # ten-thousandths in 1: a score or threshold of exactly 4 places is a whole number of them


class ScoreOutOfRange(ValueError):
    """A raw score outside the benchmark's scale: rejected, never clamped."""


def normalize(raw: Decimal, *, scale_min: Decimal, scale_max: Decimal, higher_is_more_capable: bool) -> Decimal:
    if scale_max <= scale_min:
        raise ValueError("The benchmark's scale is empty: scale_max must exceed scale_min.")
    if raw < scale_min or raw > scale_max:
        raise ScoreOutOfRange(f"Raw score {raw} is outside the benchmark's scale [{scale_min}, {scale_max}].")
    span = scale_max - scale_min
    value = (raw - scale_min) / span if higher_is_more_capable else (scale_max - raw) / span
    return value.quantize(FOUR_PLACES, rounding=ROUND_HALF_EVEN)


def in_units(value: Decimal) -> int:
    """``value`` (4 decimal places, as every score and threshold has) in ten-thousandths: an
    exact integer, ordered as the decimals are. The sweeps of every model compare integers,
    which costs less than comparing ``Decimal``; nothing is rounded, so nothing changes."""
    units = value * UNITS
    if units != units.to_integral_value():
        raise ValueError(f"{value} has more than 4 decimal places.")
    return int(units)
