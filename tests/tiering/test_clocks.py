from datetime import date

import pytest

from governance.tiering import clocks


@pytest.mark.parametrize(
    "filed, paused, due",
    [
        ("2026-01-01", 0, "2026-03-02"),
        ("2026-11-25", 0, "2027-01-24"),  # crosses a year boundary
        ("2027-12-31", 0, "2028-02-29"),  # into a leap February
        ("2026-12-31", 0, "2027-03-01"),
        ("2026-11-25", 10, "2027-02-03"),
        ("2026-02-28", 1, "2026-04-30"),
    ],
)
def test_contest_due(filed, paused, due):
    assert clocks.contest_due(date.fromisoformat(filed), paused_days=paused) == date.fromisoformat(due)


@pytest.mark.parametrize("filed, due", [("2026-11-25", "2027-02-23"), ("2028-01-01", "2028-03-31")])
def test_appeal_due(filed, due):
    assert clocks.appeal_due(date.fromisoformat(filed)) == date.fromisoformat(due)


@pytest.mark.parametrize(
    "today, inside",
    [("2026-11-01", True), ("2026-12-01", True), ("2026-12-02", False), ("2026-10-31", False)],
)
def test_windows_include_their_30th_day(today, inside):
    assert clocks.within_window(date(2026, 11, 1), date.fromisoformat(today), 30) is inside


def test_pause_length_is_never_negative():
    assert clocks.pause_length(date(2026, 11, 5), date(2026, 11, 5)) == 0
    assert clocks.pause_length(date(2026, 12, 28), date(2027, 1, 4)) == 7
    assert clocks.pause_length(date(2026, 11, 5), date(2026, 11, 1)) == 0


@pytest.mark.parametrize("days_left, reminder", [(8, None), (7, 7), (6, None), (1, 1), (0, None), (-1, None)])
def test_reminders(days_left, reminder):
    due = date(2027, 1, 3)
    from datetime import timedelta

    assert clocks.reminder_due(due, due - timedelta(days=days_left)) == reminder
