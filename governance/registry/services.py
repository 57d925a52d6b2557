"""Writers for organisations, benchmarks and models (SPEC sections 1, 10, 11)."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance.audit.services import PendingEvent, created, diff, jsonable, record, record_many, snapshot
from governance.platform.countries import is_country
from governance.platform.errors import Conflict, Invalid, NotAllowed, full_clean_or_invalid
from governance.platform.jobs import REVALIDATE_MODEL, enqueue
from governance.registry.models import AIModel, ApiToken, Benchmark, Membership, Organization
from governance.registry.roles import is_adjudicator, is_developer, organization_id_of
from governance.tiering.calendar import add_months

ORGANIZATION_FIELDS = ("name", "kind", "jurisdiction", "accredited", "verified")
BENCHMARK_FIELDS = (
    "slug",
    "name",
    "version",
    "domain",
    "scale_min",
    "scale_max",
    "higher_is_more_capable",
    "metric",
    "external_id",
    "standardized",
)
MODEL_FIELDS = (
    "name",
    "version",
    "developer",
    "parameter_count",
    "weights_sha256",
    "parent",
    "derivation",
    "released",
    "release_jurisdictions",
)
MODEL_EDITABLE = MODEL_FIELDS[:2] + MODEL_FIELDS[3:]


def create_organization(*, by: Any, **data: Any) -> Organization:
    if not is_adjudicator(by) and not by.is_superuser:
        raise NotAllowed("Only the regulator registers organisations.")
    with transaction.atomic():
        organization = Organization(**data)
        full_clean_or_invalid(organization)
        organization.save()
        record(
            actor=by,
            action="organization.created",
            obj=organization,
            changes=created(organization, ORGANIZATION_FIELDS),
        )
    return organization


def set_research_verified(*, by: Any, organization: Organization, verified: bool, reasons: str = "") -> Organization:
    """A regulator marks a research organisation verified (its verifiers' confirmations then
    count for Tier 3 access, SPEC 21) or withdraws the verification."""
    if not is_adjudicator(by):
        raise NotAllowed("Only a regulator verifies research organisations.")
    with transaction.atomic():
        organization = Organization.objects.select_for_update().get(pk=organization.pk)
        if organization.kind != Organization.Kind.RESEARCH:
            raise Invalid("Only a research organisation can be verified.")
        if organization.verified != verified:
            record(
                actor=by,
                action="organization.verified" if verified else "organization.unverified",
                obj=organization,
                changes={"verified": [organization.verified, verified], "reasons": [None, reasons]},
            )
            organization.verified = verified
            organization.save(update_fields=["verified"])
    return organization


def issue_token(*, user: Any, scope: str = "") -> tuple[ApiToken, str]:
    """A new API token for ``user``; the key is returned this once and stored only hashed."""
    with transaction.atomic():
        token, key = ApiToken.objects.create(user=user, scope=scope)
        record(
            actor=user,
            action="api_token.created",
            obj=user,
            changes={
                "token": [None, token.token_key],
                "scope": [None, scope],
                "expiry": [None, jsonable(token.expiry)],
            },
        )
    return token, key


def revoke_token(*, by: Any, token: ApiToken) -> None:
    if token.user_id != by.pk and not by.is_superuser:
        raise NotAllowed("Only a token's owner revokes it.")
    with transaction.atomic():
        record(actor=by, action="api_token.revoked", obj=token.user, changes={"token": [token.token_key, None]})
        token.delete()


def create_benchmark(*, by: Any, **data: Any) -> Benchmark:
    if not is_adjudicator(by) and not by.is_superuser:
        raise NotAllowed("Only the regulator maintains the benchmark list.")
    with transaction.atomic():
        benchmark = Benchmark(**data)
        full_clean_or_invalid(benchmark)
        if benchmark.scale_min >= benchmark.scale_max:
            raise Invalid(fields={"scale_max": ["scale_max must be greater than scale_min."]})
        benchmark.save()
        record(actor=by, action="benchmark.created", obj=benchmark, changes=created(benchmark, BENCHMARK_FIELDS))
    return benchmark


def may_register_for(user: Any, developer: Organization) -> bool:
    """Developers register models of their own organisation; regulators and the board any."""
    if is_adjudicator(user):
        return True
    return is_developer(user) and organization_id_of(user) == developer.pk


def _check_jurisdictions(model: AIModel) -> None:
    codes = model.release_jurisdictions
    if not isinstance(codes, list) or not all(isinstance(c, str) and is_country(c) for c in codes):
        raise Invalid(
            fields={"release_jurisdictions": ['A list of ISO 3166-1 alpha-2 country codes in capitals, e.g. ["DE"].']}
        )
    model.release_jurisdictions = sorted(set(codes))


def _check_lineage(model: AIModel) -> None:
    if model.parent_id is None:
        if model.derivation:
            raise Invalid(fields={"derivation": ["A derivation needs a parent model."]})
        return
    if not model.derivation:
        raise Invalid(fields={"derivation": ["A derivative must say how it was derived."]})
    if model.pk is None:
        return
    ancestor_id: int | None = model.parent_id
    seen: set[int] = set()
    while ancestor_id is not None and ancestor_id not in seen:
        if ancestor_id == model.pk:
            raise Invalid(fields={"parent": ["This parent would make the lineage a cycle."]})
        seen.add(ancestor_id)
        ancestor_id = AIModel.objects.filter(pk=ancestor_id).values_list("parent_id", flat=True).first()


def register_model(*, by: Any, developer: Organization, **data: Any) -> AIModel:
    """Register a model or derivative and determine its first tier (through the job layer)."""
    if not may_register_for(by, developer):
        raise NotAllowed("You may register models only for your own organisation.")
    if developer.kind != Organization.Kind.DEVELOPER:
        raise Invalid(fields={"developer": ["Models are registered to a developer organisation."]})
    with transaction.atomic():
        model = AIModel(developer=developer, registered_by=by if getattr(by, "pk", None) else None, **data)
        _check_lineage(model)
        _check_jurisdictions(model)
        full_clean_or_invalid(model)
        model.save()
        record(
            actor=by,
            action="model.registered",
            obj=model,
            changes=created(model, MODEL_FIELDS),
            organization_id=developer.pk,
        )
        enqueue(REVALIDATE_MODEL, model.pk, cause="registration")
    return model


def update_model(*, by: Any, model: AIModel, **data: Any) -> AIModel:
    """Edit a model's particulars; a new parent is checked for cycles and re-determines.
    A released model stays released: published weights cannot be recalled (SPEC 2)."""
    if not may_register_for(by, model.developer):
        raise NotAllowed("You may edit only your own organisation's models.")
    unknown = set(data) - set(MODEL_EDITABLE)
    if unknown:
        raise Invalid(fields={name: ["This field cannot be changed."] for name in sorted(unknown)})
    with transaction.atomic():
        model = AIModel.objects.select_for_update().get(pk=model.pk)
        if model.released and "released" in data and not data["released"]:
            raise Conflict("This model's weights are published and cannot be recalled: it stays released.")
        before = snapshot(model, MODEL_EDITABLE)
        for name, value in data.items():
            setattr(model, name, value)
        _check_lineage(model)
        _check_jurisdictions(model)
        full_clean_or_invalid(model)
        model.save()
        changes = diff(before, snapshot(model, MODEL_EDITABLE))
        if changes:
            record(actor=by, action="model.updated", obj=model, changes=changes, organization_id=model.developer_id)
        if "parent" in changes:
            enqueue(REVALIDATE_MODEL, model.pk, cause="parent_tier_change")
    return model


def mirror_tiers(changes: Iterable[tuple[int, int, bool]], *, now: datetime) -> None:
    """Mirror on each model ``(id, tier, evidence complete)`` the determination that just came
    into force, and schedule its next periodic review by the tier's cadence (SPEC section 7):
    at most eight statements, however many models."""
    grouped: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for model_id, tier, complete in changes:
        grouped[tier, complete].append(model_id)
    today = timezone.localdate(now)
    for (tier, complete), model_ids in grouped.items():
        AIModel.objects.filter(pk__any=model_ids).update(
            current_tier=tier,
            evidence_complete=complete,
            tier_effective_from=now,
            next_review_due=add_months(today, settings.REVIEW_CADENCE_MONTHS[tier]),
        )


def mirror_completeness(changes: Iterable[tuple[int, int, bool]], *, actor: Any = None) -> None:
    """Record that the evidence of each model ``(id, developer, now complete)`` became complete
    or incomplete while its tier stands."""
    changes = list(changes)
    for complete in (True, False):
        if model_ids := [model_id for model_id, _, now_complete in changes if now_complete is complete]:
            AIModel.objects.filter(pk__any=model_ids).update(evidence_complete=complete)
    record_many(
        [
            PendingEvent(
                "model.evidence_completeness",
                AIModel._meta.label_lower,
                str(model_id),
                {"evidence_complete": [not complete, complete]},
                developer_id,
            )
            for model_id, developer_id, complete in changes
        ],
        actor=actor,
    )


def schedule_next_review(*, model: AIModel, actor: Any = None) -> None:
    """Set the next periodic review from today by the model's tier (after a re-review)."""
    if model.current_tier is None:
        return
    before = model.next_review_due
    model.next_review_due = add_months(timezone.localdate(), settings.REVIEW_CADENCE_MONTHS[model.current_tier])
    AIModel.objects.filter(pk=model.pk).update(next_review_due=model.next_review_due)
    record(
        actor=actor,
        action="model.review_scheduled",
        obj=model,
        changes={"next_review_due": [before, model.next_review_due]},
        organization_id=model.developer_id,
    )


def set_membership(*, by: Any, user: Any, organization: Organization | None) -> None:
    """Put ``user`` in ``organization`` (a user belongs to at most one), or take them out
    (None). What a member may see follows from it, so every change is recorded."""
    with transaction.atomic():
        current = Membership.objects.select_for_update().filter(user=user).first()
        before = current.organization_id if current else None
        after = organization.pk if organization else None
        if before == after:
            return
        if current is not None:
            current.delete()
        if organization is not None:
            Membership.objects.create(user=user, organization=organization)
        record(
            actor=by,
            action="user.membership_changed",
            obj=user,
            changes={"organization": [before, after]},
            organization_id=after or before,
        )


def revoke_api_tokens(*, user: Any, reason: str, actor: Any = None) -> int:
    """Every API token of ``user`` stops working; returns how many were revoked."""
    with transaction.atomic():
        revoked = ApiToken.objects.filter(user=user).delete()[0]
        if revoked:
            record(
                actor=actor,
                action="user.tokens_revoked",
                obj=user,
                changes={"tokens": [revoked, 0], "reason": [None, reason]},
            )
    return revoked
