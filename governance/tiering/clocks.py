"""Statutory clocks (SPEC sections 5 and 6), as pure date arithmetic.

All periods are calendar days. A contest's 60 days do not run while the case waits for
information from the applicant: each pause pushes the due date back by its length.
"""

from datetime import date, datetime, timedelta

CONTEST_DECISION_DAYS = 60
APPEAL_DECISION_DAYS = 90
CONTEST_WINDOW_DAYS = 30
APPEAL_WINDOW_DAYS = 30
REMINDER_DAYS = (7, 1)


def contest_due(filed_on: date, *, paused_days: int = 0) -> date:
    return filed_on + timedelta(days=CONTEST_DECISION_DAYS + paused_days)


def appeal_due(filed_on: date) -> date:
    return filed_on + timedelta(days=APPEAL_DECISION_DAYS)


def window_closes(opened_on: date, days: int) -> date:
    """The last day on which a window of ``days`` opened on ``opened_on`` is still open."""
    return opened_on + timedelta(days=days)


def within_window(opened_on: date, today: date, days: int) -> bool:
    return opened_on <= today <= window_closes(opened_on, days)


def pause_length(paused_on: date, resumed_on: date) -> int:
    """Days the clock stood still: resuming the same day it paused costs nothing."""
    return max((resumed_on - paused_on).days, 0)


def reminder_due(due: date, today: date) -> int | None:
    """Which reminder (days before due) falls due today, if any."""
    remaining = (due - today).days
    for days in REMINDER_DAYS:
        if remaining == days:
            return days
    return None


def is_overdue(due: date, today: date) -> bool:
    return today > due


def hearing_held(hearing_at: datetime | None, now: datetime) -> bool:
    """Appeal votes are cast at or after the scheduled hearing, never before (SPEC 6)."""
    return hearing_at is not None and now >= hearing_at
