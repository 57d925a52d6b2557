"""Who sees which access requests, grants and register entries (SPEC 15 and 21): the one
rule every list, page and export of the access gate uses."""

from typing import Any

from django.db.models import Q, QuerySet

from governance.access.models import AccessGrant, AccessRequest, Attestation, RegisterEntry
from governance.registry.roles import (
    has_role,
    is_host,
    is_institution_verifier,
    organization_id_of,
    sees_all_dossiers,
)


def _scope(user: Any) -> Q | None:
    """None: everything. Otherwise the rows ``user`` may see: their own as a requester, the
    developer's own models'. (Institution verifiers and hosts add theirs in the callers.)"""
    if sees_all_dossiers(user):
        return None
    condition = Q(requester_id=user.pk)
    org_id = organization_id_of(user)
    if org_id is not None and has_role(user, "developer"):
        condition |= Q(model__developer_id=org_id)
    return condition


def visible_requests(user: Any) -> QuerySet[AccessRequest]:
    requests = AccessRequest.objects.select_related(
        "model", "requester__requester_profile", "attestation", "affiliation", "decided_by"
    )
    if not user.is_authenticated:
        return requests.none()
    condition = _scope(user)
    if condition is None:
        return requests
    if is_institution_verifier(user):
        condition |= Q(affiliation_id=organization_id_of(user))
    return requests.filter(condition)


def visible_grants(user: Any) -> QuerySet[AccessGrant]:
    grants = AccessGrant.objects.select_related("model", "requester", "request")
    if not user.is_authenticated:
        return grants.none()
    condition = _scope(user)
    return grants if condition is None else grants.filter(condition)


def visible_register(user: Any) -> QuerySet[RegisterEntry]:
    """The access register: oversight roles all of it, developers their models', requesters
    their own entries, hosts the checks they asked."""
    entries = RegisterEntry.objects.select_related("model", "requester", "host", "grant__request")
    if not user.is_authenticated:
        return entries.none()
    condition = _scope(user)
    if condition is None:
        return entries
    if is_host(user):
        condition |= Q(host_id=organization_id_of(user))
    return entries.filter(condition)


def attestations_in_force() -> QuerySet[Attestation]:
    return Attestation.objects.filter(in_force=True).order_by("tier")


def attestation_in_force(tier: int) -> Attestation | None:
    """The attestation a request for a model of ``tier`` must name (None for tiers 1 and 4)."""
    return Attestation.objects.filter(tier=tier, in_force=True).first()
