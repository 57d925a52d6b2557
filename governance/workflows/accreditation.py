"""Accreditation changes (SPEC section 22) and the evidence they decide: the accreditation
changes (registry) and the capabilities of the models the organisation evaluated in its
domains are worked out again (evidence), in one transaction."""

from collections.abc import Callable
from typing import Any

from django.db import transaction

from governance.evidence import capabilities
from governance.evidence.models import EvaluationResult
from governance.registry import services as registry
from governance.registry.models import Accreditation


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


def _with_capabilities(change: Callable[..., Accreditation], arguments: dict[str, Any]) -> Accreditation:
    with transaction.atomic():
        accreditation = change(**arguments)
        _refresh_evaluated(accreditation)
    return accreditation


def grant_accreditation(**arguments: Any) -> Accreditation:
    """:func:`governance.registry.services.grant_accreditation`, and its evidence."""
    return _with_capabilities(registry.grant_accreditation, arguments)


def suspend_accreditation(**arguments: Any) -> Accreditation:
    """:func:`governance.registry.services.suspend_accreditation`, and its evidence."""
    return _with_capabilities(registry.suspend_accreditation, arguments)


def reinstate_accreditation(**arguments: Any) -> Accreditation:
    """:func:`governance.registry.services.reinstate_accreditation`, and its evidence."""
    return _with_capabilities(registry.reinstate_accreditation, arguments)


def revoke_accreditation(**arguments: Any) -> Accreditation:
    """:func:`governance.registry.services.revoke_accreditation`, and its evidence."""
    return _with_capabilities(registry.revoke_accreditation, arguments)
