from decimal import Decimal

import pytest

from governance.tiering.calendar import add_months
from governance.tiering.scores import ScoreOutOfRange, normalize

D = Decimal


@pytest.mark.parametrize(
    "raw, lo, hi, higher, expected",
    [
        ("0", "0", "100", True, "0.0000"),
        ("100", "0", "100", True, "1.0000"),
        ("50", "0", "100", True, "0.5000"),
        ("0", "0", "100", False, "1.0000"),
        ("25", "0", "100", False, "0.7500"),
        ("1", "0", "3", True, "0.3333"),
        ("2", "0", "3", True, "0.6667"),
        ("0.00005", "0", "1", True, "0.0000"),  # half-even: 0.00005 → 0.0000
        ("0.00015", "0", "1", True, "0.0002"),  # half-even: 0.00015 → 0.0002
        ("0.00025", "0", "1", True, "0.0002"),
        ("-5", "-10", "10", True, "0.2500"),
    ],
)
def test_normalize(raw, lo, hi, higher, expected):
    value = normalize(D(raw), scale_min=D(lo), scale_max=D(hi), higher_is_more_capable=higher)
    assert value == D(expected) and str(value) == expected


@pytest.mark.parametrize("raw", ["-0.0001", "100.0001", "1000"])
def test_out_of_range_scores_are_rejected_not_clamped(raw):
    with pytest.raises(ScoreOutOfRange, match="outside the benchmark's scale"):
        normalize(D(raw), scale_min=D("0"), scale_max=D("100"), higher_is_more_capable=True)


@pytest.mark.parametrize(
    "start, months, expected",
    [
        ("2026-01-31", 1, "2026-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2028-02-29", 12, "2029-02-28"),
        ("2026-11-25", 3, "2027-02-25"),
        ("2026-12-15", 1, "2027-01-15"),
        ("2026-08-31", 6, "2027-02-28"),
        ("2026-05-31", 24, "2028-05-31"),
        ("2026-03-31", -1, "2026-02-28"),
    ],
)
def test_add_months(start, months, expected):
    from datetime import date

    assert add_months(date.fromisoformat(start), months) == date.fromisoformat(expected)
