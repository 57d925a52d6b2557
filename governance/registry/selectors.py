"""Which models and organisations a user may see: the one visibility rule every list, detail,
search and export uses (SPEC sections 14, 15 and 20; the results' rule is
``evidence.selectors.visible_evaluations``); and the models bulk follow-ups read."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from governance.registry.models import Accreditation, AccreditationCoverage, AIModel, Organization
from governance.registry.roles import has_role, organization_id_of, sees_all_dossiers


def visible_models(user: Any) -> QuerySet[AIModel]:
    """Models whose full dossier ``user`` may read.

    Oversight roles see every model; developers their organisation's models. Evaluators
    read no dossier: SPEC 15 gives them the results they submitted (``visible_evaluations``),
    not the determinations, cases and rival evaluators' results on a model they evaluated.
    Anyone else sees none (the public register is a separate, public projection).
    """
    models = AIModel.objects.all()
    if sees_all_dossiers(user):
        return models
    org_id = organization_id_of(user)
    if org_id is None:
        return models.none()
    if has_role(user, "developer"):
        return models.filter(developer_id=org_id)
    return models.none()


def submittable_models(user: Any) -> QuerySet[AIModel]:
    """Models ``user`` may submit evaluation results for (SPEC 15): an evaluator any model,
    a developer its own organisation's (self-reported); the service judges the rest."""
    return AIModel.objects.all() if has_role(user, "evaluator") else visible_models(user)


def nameable_models(user: Any) -> QuerySet[AIModel]:
    """Models ``user`` may see named in a picker: those whose dossier they read, and for anyone
    who reads none (an evaluator) the released models of the public register."""
    if sees_all_dossiers(user) or has_role(user, "developer"):
        return visible_models(user)
    return AIModel.objects.filter(released=True)


def search_models(models: QuerySet[AIModel], query: str) -> QuerySet[AIModel]:
    """``models`` whose name, version or developer contains every word of ``query``."""
    for word in query.split():
        models = models.filter(
            Q(name__icontains=word) | Q(version__icontains=word) | Q(developer__name__icontains=word)
        )
    return models.select_related("developer").order_by("name", "version", "id")


def public_models() -> QuerySet[AIModel]:
    """The public register: every released model with a tier."""
    return AIModel.objects.filter(released=True, current_tier__isnull=False)


def models_by_id_for_follow_ups(model_ids: Iterable[int]) -> dict[int, AIModel]:
    """``model_ids`` loaded with what bulk follow-ups read of a model (its name and version,
    developer and current tier), by id: a baseline shift loads thousands at once."""
    found = AIModel.objects.filter(pk__any=list(model_ids)).only("name", "version", "developer_id", "current_tier")
    return {model.pk: model for model in found}


def covered_now(organization_id: int, domain_id: int) -> bool:
    """Whether the organisation's results on the domain's benchmarks count if submitted now."""
    now = timezone.now()
    return AccreditationCoverage.objects.filter(
        organization_id=organization_id, domain_id=domain_id, starts_at__lte=now, ends_at__gt=now
    ).exists()


def accreditations() -> QuerySet[Accreditation]:
    """Accreditation records with their organisation and domains (public facts)."""
    return Accreditation.objects.select_related("organization").prefetch_related("domains")


def accredited_evaluators() -> QuerySet[Organization]:
    """The public register of evaluators (SPEC section 22): every evaluator organisation
    that holds or held an accreditation, each with its accreditations (scope, validity,
    state), newest first."""
    return (
        Organization.objects.filter(kind=Organization.Kind.EVALUATOR, accreditations__isnull=False)
        .distinct()
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "accreditations",
                queryset=Accreditation.objects.prefetch_related("domains").order_by("-valid_from", "-id"),
            )
        )
    )
