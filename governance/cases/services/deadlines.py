"""The case-deadline sweep (SPEC section 17): reminders 7 and 1 days before a contest or
appeal is due, and the overdue flag after. Each reminder is sent once."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from governance.audit.services import record
from governance.cases.models import Appeal, Contest
from governance.notifications.services import notify, users_with_role
from governance.registry.roles import BOARD, REGULATOR
from governance.tiering import clocks


def _remind(case: Any, recipients: list, *, today: date, kind: str, link: str) -> bool:
    label = case.reference
    days = clocks.reminder_due(case.due_date, today)
    if days is not None and f"{days}d" not in case.reminders_sent:
        case.reminders_sent = [*case.reminders_sent, f"{days}d"]
        case.save(update_fields=["reminders_sent"])
        notify(
            recipients=recipients,
            event=f"{kind}_due_soon",
            subject=f"{label}: decision due in {days} day{'s' if days > 1 else ''} ({case.due_date.isoformat()})",
            obj=case,
            link=link,
        )
        return True
    if clocks.is_overdue(case.due_date, today) and not case.overdue:
        case.overdue = True
        case.reminders_sent = [*case.reminders_sent, "overdue"]
        case.save(update_fields=["overdue", "reminders_sent"])
        record(actor=None, action=f"{kind}.overdue", obj=case, changes={"overdue": [False, True]})
        notify(
            recipients=[*recipients, *users_with_role(REGULATOR, BOARD)],
            event=f"{kind}_overdue",
            subject=f"{label}: decision overdue since {case.due_date.isoformat()}",
            obj=case,
            link=link,
        )
        return True
    return False


def case_deadline_sweep(*, today: date | None = None) -> int:
    """Runs hourly; safe to run twice (each reminder is recorded on the case)."""
    today = today or timezone.localdate()
    sent = 0
    # A contest awaiting information has its clock stopped: no reminders while paused.
    for contest_id in Contest.objects.filter(state__in=["filed", "under_review"]).values_list("id", flat=True):
        with transaction.atomic():
            contest = Contest.objects.select_for_update(of=("self",)).select_related("adjudicator").get(pk=contest_id)
            recipients = [contest.adjudicator] if contest.adjudicator else list(users_with_role(REGULATOR, BOARD))
            sent += _remind(contest, recipients, today=today, kind="contest", link=f"/contests/{contest.pk}/")
    for appeal_id in Appeal.objects.filter(state__in=["filed", "panel_assigned", "hearing_scheduled"]).values_list(
        "id", flat=True
    ):
        with transaction.atomic():
            appeal = Appeal.objects.select_for_update().get(pk=appeal_id)
            recipients = list(appeal.panel.all()) or list(users_with_role(REGULATOR, BOARD))
            sent += _remind(appeal, recipients, today=today, kind="appeal", link=f"/appeals/{appeal.pk}/")
    return sent
