"""Accreditation changes (SPEC section 22) and the evidence they decide: the accreditation
changes (registry) and the capabilities of the models the organisation evaluated in its
domains are worked out again (evidence), in one transaction."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction

from governance.evidence import capabilities
from governance.evidence.models import EvaluationResult
from governance.registry import services as registry
from governance.registry.models import Accreditation, Organization, RiskDomain


def _refresh_evaluated(accreditation: Accreditation) -> None:
    domain_ids = list(accreditation.domains.values_list("pk", flat=True))
    model_ids = (
        EvaluationResult.objects.filter(
            submitted_by_org_id=accreditation.organization_id, benchmark__domain_id__in=domain_ids
        )
        .order_by()
        .values_list("model_id", flat=True)
        .distinct()
    )
    capabilities.refresh(model_ids=model_ids, domain_ids=domain_ids)


def grant_accreditation(
    *,
    by: Any,
    organization: Organization,
    domains: Iterable[RiskDomain],
    valid_from: date,
    valid_until: date,
    reasons: str,
) -> Accreditation:
    with transaction.atomic():
        accreditation = registry.grant_accreditation(
            by=by,
            organization=organization,
            domains=domains,
            valid_from=valid_from,
            valid_until=valid_until,
            reasons=reasons,
        )
        _refresh_evaluated(accreditation)
    return accreditation


def suspend_accreditation(*, by: Any, accreditation: Accreditation, reasons: str) -> Accreditation:
    with transaction.atomic():
        accreditation = registry.suspend_accreditation(by=by, accreditation=accreditation, reasons=reasons)
        _refresh_evaluated(accreditation)
    return accreditation


def reinstate_accreditation(*, by: Any, accreditation: Accreditation, reasons: str) -> Accreditation:
    with transaction.atomic():
        accreditation = registry.reinstate_accreditation(by=by, accreditation=accreditation, reasons=reasons)
        _refresh_evaluated(accreditation)
    return accreditation


def revoke_accreditation(
    *, by: Any, accreditation: Accreditation, reasons: str, void_results: bool = False
) -> Accreditation:
    with transaction.atomic():
        accreditation = registry.revoke_accreditation(
            by=by, accreditation=accreditation, reasons=reasons, void_results=void_results
        )
        _refresh_evaluated(accreditation)
    return accreditation
