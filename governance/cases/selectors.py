"""What a user may see of contests, appeals and re-reviews: the regulator's staff and
auditors see every case; a developer sees the cases on its organisation's models."""

from typing import Any

from django.db.models import QuerySet

from governance.cases.models import Appeal, CaseFile, Contest, ReReview
from governance.registry.roles import has_role, organization_id_of, sees_all_dossiers


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
