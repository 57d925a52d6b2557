from typing import Any

from django.db.models import QuerySet

from governance.compliance.models import ComplianceSubmission, EnforcementCase, Obligation
from governance.registry.roles import has_role, organization_id_of, sees_all_dossiers


def _scope(queryset: QuerySet, user: Any, path: str) -> QuerySet:
    if sees_all_dossiers(user):
        return queryset
    org_id = organization_id_of(user) if has_role(user, "developer") else None
    return queryset.filter(**{path: org_id}) if org_id else queryset.none()


def visible_obligations(user: Any) -> QuerySet[Obligation]:
    return _scope(Obligation.objects.select_related("model"), user, "model__developer_id")


def visible_submissions(user: Any) -> QuerySet[ComplianceSubmission]:
    return _scope(
        ComplianceSubmission.objects.select_related("obligation__model").prefetch_related("files"),
        user,
        "obligation__model__developer_id",
    )


def visible_enforcement(user: Any) -> QuerySet[EnforcementCase]:
    return _scope(EnforcementCase.objects.select_related("model"), user, "model__developer_id")
