"""Normalization of raw benchmark scores to capability in [0, 1] (SPEC section 3)."""

from decimal import ROUND_HALF_EVEN, Decimal

FOUR_PLACES = Decimal("0.0001")


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
