"""What a user may see of contests, appeals and re-reviews: the regulator's staff and
auditors see every case; a developer sees the cases on its organisation's models."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.utils import timezone

from governance.cases.models import OPEN_CONTEST_STATES, Appeal, CaseFile, Contest, InternalNote, ReReview
from governance.determinations.models import Determination
from governance.registry.roles import has_role, organization_id_of, reads_internal_notes, sees_all_dossiers
from governance.tiering import clocks


def _developer_org(user: Any) -> int | None:
    return organization_id_of(user) if has_role(user, "developer") else None


def visible_contests(user: Any) -> QuerySet[Contest]:
    contests = Contest.objects.select_related("model", "applicant", "adjudicator")
    if sees_all_dossiers(user):
        return contests
    org_id = _developer_org(user)
    return contests.filter(model__developer_id=org_id) if org_id else contests.none()


def visible_appeals(user: Any) -> QuerySet[Appeal]:
    appeals = Appeal.objects.select_related("contest__model", "chair").prefetch_related("panel", "votes")
    if sees_all_dossiers(user):
        return appeals
    org_id = _developer_org(user)
    return appeals.filter(contest__model__developer_id=org_id) if org_id else appeals.none()


def visible_rereviews(user: Any) -> QuerySet[ReReview]:
    rereviews = ReReview.objects.select_related("model", "assignee")
    if sees_all_dossiers(user):
        return rereviews
    org_id = _developer_org(user)
    return rereviews.filter(model__developer_id=org_id) if org_id else rereviews.none()


def visible_case_files(user: Any) -> QuerySet[CaseFile]:
    files = CaseFile.objects.all()
    if sees_all_dossiers(user):
        return files
    org_id = _developer_org(user)
    if not org_id:
        return files.none()
    return files.filter(contest__model__developer_id=org_id) | files.filter(appeal__contest__model__developer_id=org_id)


def case_notes(case: Model, *, user: Any) -> QuerySet[InternalNote]:
    """The internal notes on ``case``, oldest first: none at all for anyone but staff."""
    if not reads_internal_notes(user):
        return InternalNote.objects.none()
    return InternalNote.objects.filter(case_type=case._meta.label_lower, case_id=case.pk).select_related("author")


@dataclass(frozen=True)
class Window:
    """A window a developer may still act in: contest a tier, or appeal a contest decision."""

    action: str
    subject: str
    closes: date
    link: str


def open_windows(user: Any, *, today: date) -> list[Window]:
    """The developer organisation's open contest and appeal windows, soonest closing first
    (two queries: the determinations in force within their window, the decided contests)."""
    org_id = _developer_org(user)
    if not org_id:
        return []
    contest_days, appeal_days = settings.CONTEST_WINDOW_DAYS, settings.APPEAL_WINDOW_DAYS
    open_contest = Contest.objects.filter(determination=OuterRef("pk"), state__in=OPEN_CONTEST_STATES)
    determinations = (
        Determination.objects.filter(
            model__developer_id=org_id,
            status=Determination.Status.IN_FORCE,
            effective_from__date__gte=today - timedelta(days=contest_days),
        )
        .exclude(Exists(open_contest))
        .select_related("model")
    )
    windows = []
    for d in determinations:
        closes = clocks.window_closes(timezone.localdate(d.effective_from), contest_days)
        if closes >= today:
            windows.append(Window("Contest", f"the Tier {d.tier} of {d.model}", closes, f"/models/{d.model_id}/"))
    decided = visible_contests(user).filter(
        state=Contest.State.DECIDED, appeal__isnull=True, decided_at__date__gte=today - timedelta(days=appeal_days)
    )
    for c in decided:
        closes = clocks.window_closes(timezone.localdate(c.decided_at), appeal_days)
        if closes >= today:
            windows.append(Window("Appeal", f"{c.reference} on {c.model}", closes, f"/contests/{c.pk}/"))
    return sorted(windows, key=lambda w: w.closes)
