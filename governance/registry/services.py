"""Writers for organisations, benchmarks and models (SPEC sections 1, 10, 11)."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.audit.services import PendingEvent, created, diff, jsonable, record, record_many, snapshot
from governance.platform.countries import is_country
from governance.platform.errors import Conflict, IllegalTransition, Invalid, NotAllowed, full_clean_or_invalid
from governance.platform.jobs import REVALIDATE_MODEL, REVALIDATE_MODELS, enqueue
from governance.registry.models import (
    Accreditation,
    AccreditationCoverage,
    AIModel,
    ApiToken,
    Benchmark,
    Membership,
    Organization,
    RiskDomain,
)
from governance.registry.roles import BOARD, REGULATOR, has_role, is_adjudicator, is_developer, organization_id_of
from governance.tiering import transitions
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
BENCHMARK_CHANGEABLE = ("standardized", "scale_min", "scale_max", "higher_is_more_capable")
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


def create_organization(*, by: Any, accredited: bool = False, **data: Any) -> Organization:
    """Register an organisation. ``accredited`` (the organisation list's flag) registers an
    evaluator with an accreditation for every risk domain, valid from today for
    ``ACCREDITATION_DEFAULT_YEARS`` (SPEC section 22: accreditation is a record of its own)."""
    if not is_adjudicator(by) and not by.is_superuser:
        raise NotAllowed("Only the regulator registers organisations.")
    if accredited and data.get("kind") != Organization.Kind.EVALUATOR:
        raise Invalid(fields={"accredited": ["Only an evaluator organisation is accredited."]})
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
        if accredited:
            today = timezone.localdate()
            _grant(
                by=by,
                organization=organization,
                domains=RiskDomain.objects.all(),
                valid_from=today,
                valid_until=add_months(today, 12 * settings.ACCREDITATION_DEFAULT_YEARS) - timedelta(days=1),
                reasons="Accredited for every risk domain when the organisation was registered.",
            )
            organization.refresh_from_db(fields=["accredited"])
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


def _check_external_id(benchmark: Benchmark) -> None:
    if benchmark.external_id and (
        Benchmark.objects.filter(external_id=benchmark.external_id).exclude(pk=benchmark.pk).exists()
    ):
        raise Invalid(fields={"external_id": ["Another benchmark already answers to this external_id."]})


def create_benchmark(*, by: Any, **data: Any) -> Benchmark:
    if not is_adjudicator(by) and not by.is_superuser:
        raise NotAllowed("Only the regulator maintains the benchmark list.")
    try:
        with transaction.atomic():
            benchmark = Benchmark(**data)
            _check_external_id(benchmark)
            full_clean_or_invalid(benchmark)
            if benchmark.scale_min >= benchmark.scale_max:
                raise Invalid(fields={"scale_max": ["scale_max must be greater than scale_min."]})
            benchmark.save()
            record(actor=by, action="benchmark.created", obj=benchmark, changes=created(benchmark, BENCHMARK_FIELDS))
    except IntegrityError as error:  # a concurrent benchmark took the task name first
        raise Invalid(fields={"external_id": ["Another benchmark already answers to this external_id."]}) from error
    return benchmark


def change_benchmark(*, by: Any, benchmark: Benchmark, reason: str, **changes: Any) -> tuple[Benchmark, set[str]]:
    """Change what decides a benchmark's evidence — its place on the approved list, its
    scale, its direction — with a reason (SPEC sections 11 and 22): the threshold board's
    call. Returns the benchmark and the names of the fields that changed; re-normalizing
    and revalidating follow in ``governance.workflows.benchmarks``."""
    if not has_role(by, BOARD) and not by.is_superuser:
        raise NotAllowed("Only the threshold board changes a benchmark's standing, scale or direction.")
    unknown = set(changes) - set(BENCHMARK_CHANGEABLE)
    if unknown:
        raise Invalid(fields={name: ["This field cannot be changed."] for name in sorted(unknown)})
    if not reason or not reason.strip():
        raise Invalid(fields={"reason": ["Say why the benchmark changes."]})
    with transaction.atomic():
        benchmark = Benchmark.objects.select_for_update().select_related("domain").get(pk=benchmark.pk)
        before = snapshot(benchmark, BENCHMARK_CHANGEABLE)
        for name, value in changes.items():
            if name in ("scale_min", "scale_max"):
                value = Decimal(value).quantize(Decimal("0.0001"))
            setattr(benchmark, name, value)
        if benchmark.scale_min >= benchmark.scale_max:
            raise Invalid(fields={"scale_max": ["scale_max must be greater than scale_min."]})
        full_clean_or_invalid(benchmark)
        delta = diff(before, snapshot(benchmark, BENCHMARK_CHANGEABLE))
        if not delta:
            return benchmark, set()
        benchmark.save(update_fields=list(delta))
        record(actor=by, action="benchmark.changed", obj=benchmark, changes={**delta, "reason": [None, reason.strip()]})
    return benchmark, set(delta)


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
        if is_developer(by):  # SPEC 16: naming another organisation is a bad field, not a missing right
            raise Invalid(fields={"developer": ["You may register models only for your own organisation."]})
        raise NotAllowed("Only developers, regulators and the board register models.")
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


# --- Accreditation (SPEC section 22) ------------------------------------------------------

ACCREDITATION_FIELDS = ("organization", "valid_from", "valid_until", "state", "reasons")


def _day_start(day: date) -> datetime:
    """The first instant of ``day`` in the regulator's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _validity(accreditation: Accreditation) -> tuple[datetime, datetime]:
    """``[start, end)``: from the first instant of ``valid_from`` to the end of ``valid_until``."""
    return _day_start(accreditation.valid_from), _day_start(accreditation.valid_until + timedelta(days=1))


def _may_accredit(user: Any) -> bool:
    return has_role(user, REGULATOR) or bool(getattr(user, "is_superuser", False))


def _cover(accreditation: Accreditation, domain_ids: Iterable[int], *, starts_at: datetime) -> None:
    """Open the periods in which ``accreditation`` counts, from ``starts_at`` (or its first
    valid day, if later) to the end of its validity."""
    start, end = _validity(accreditation)
    start = max(start, starts_at)
    if start < end:
        AccreditationCoverage.objects.bulk_create(
            AccreditationCoverage(
                accreditation=accreditation,
                organization_id=accreditation.organization_id,
                domain_id=domain_id,
                starts_at=start,
                ends_at=end,
            )
            for domain_id in domain_ids
        )


def _uncover(accreditation: Accreditation, *, at: datetime) -> None:
    """End at ``at`` the periods in which ``accreditation`` counts: results submitted
    before it keep counting, none after."""
    periods = AccreditationCoverage.objects.filter(accreditation=accreditation)
    periods.filter(starts_at__gte=at).delete()
    periods.filter(ends_at__gt=at).update(ends_at=at)


def mirror_accredited(organization_ids: Iterable[int], *, actor: Any = None, today: date | None = None) -> None:
    """Keep ``Organization.accredited`` true exactly while the organisation holds an active
    accreditation valid today (the organisation list's flag of SPEC 16); each change is
    recorded."""
    today = today or timezone.localdate()
    ids = sorted(set(organization_ids))
    holding = set(
        Accreditation.objects.filter(
            organization_id__in=ids,
            state=Accreditation.State.ACTIVE,
            valid_from__lte=today,
            valid_until__gte=today,
        ).values_list("organization_id", flat=True)
    )
    events = []
    for organization in Organization.objects.filter(pk__in=ids).only("pk", "accredited"):
        now_accredited = organization.pk in holding
        if organization.accredited != now_accredited:
            Organization.objects.filter(pk=organization.pk).update(accredited=now_accredited)
            events.append(
                PendingEvent(
                    "organization.accreditation_changed",
                    Organization._meta.label_lower,
                    str(organization.pk),
                    {"accredited": [organization.accredited, now_accredited]},
                    organization.pk,
                )
            )
    record_many(events, actor=actor)


def _revalidate_affected(accreditation: Accreditation) -> None:
    """Re-decide, through the tier-change pipeline in the background, every model with
    accepted results of the organisation in the accreditation's domains."""
    model_ids = list(
        AIModel.objects.filter(
            evaluations__submitted_by_org_id=accreditation.organization_id,
            evaluations__benchmark__domain__in=accreditation.domains.all(),
            evaluations__status="accepted",
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )
    if model_ids:
        enqueue(REVALIDATE_MODELS, model_ids, cause="new_evidence")


def grant_accreditation(
    *,
    by: Any,
    organization: Organization,
    domains: Iterable[RiskDomain],
    valid_from: date,
    valid_until: date,
    reasons: str,
) -> Accreditation:
    """A regulator accredits an evaluator organisation for ``domains`` from ``valid_from``
    to ``valid_until`` (both included): the organisation's results on benchmarks of those
    domains submitted in that period count as evidence. The models it evaluated there are
    revalidated."""
    if not _may_accredit(by):
        raise NotAllowed("Only a regulator grants accreditation.")
    return _grant(
        by=by,
        organization=organization,
        domains=domains,
        valid_from=valid_from,
        valid_until=valid_until,
        reasons=reasons,
    )


def _grant(
    *,
    by: Any,
    organization: Organization,
    domains: Iterable[RiskDomain],
    valid_from: date,
    valid_until: date,
    reasons: str,
) -> Accreditation:
    domains = list(domains)
    errors: dict[str, list[str]] = {}
    if organization.kind != Organization.Kind.EVALUATOR:
        errors["organization"] = ["Only an evaluator organisation is accredited."]
    if not domains:
        errors["domains"] = ["Name at least one risk domain the accreditation covers."]
    if valid_until < valid_from:
        errors["valid_until"] = ["valid_until cannot be before valid_from."]
    if not reasons or not reasons.strip():
        errors["reasons"] = ["Give the reasons for the accreditation."]
    if errors:
        raise Invalid(fields=errors)
    today = timezone.localdate()
    with transaction.atomic():
        accreditation = Accreditation.objects.create(
            organization=organization,
            valid_from=valid_from,
            valid_until=valid_until,
            state=Accreditation.State.EXPIRED if valid_until < today else Accreditation.State.ACTIVE,
            reasons=reasons.strip(),
            granted_by=by if getattr(by, "pk", None) else None,
        )
        accreditation.domains.set(domains)
        _cover(accreditation, [d.pk for d in domains], starts_at=_validity(accreditation)[0])
        changes = created(accreditation, ACCREDITATION_FIELDS)
        changes["domains"] = [None, sorted(d.slug for d in domains)]
        record(
            actor=by,
            action="accreditation.granted",
            obj=accreditation,
            changes=changes,
            organization_id=organization.pk,
        )
        mirror_accredited([organization.pk], actor=by)
        _revalidate_affected(accreditation)
    return accreditation


_PARTICIPLES = {"suspend": "suspended", "reinstate": "reinstated", "revoke": "revoked"}


def _change_accreditation(
    accreditation: Accreditation, *, by: Any, verb: str, reasons: str, void_results: bool = False
) -> Accreditation:
    if not _may_accredit(by):
        raise NotAllowed("Only a regulator changes an accreditation.")
    if not reasons or not reasons.strip():
        raise Invalid(fields={"reasons": ["Give the reasons for the change."]})
    now = timezone.now()
    with transaction.atomic():
        locked = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
        target = transitions.leads_to("accreditation", verb, locked.state)
        if target is None:
            raise IllegalTransition(f"An accreditation that is {locked.state} cannot be {_PARTICIPLES[verb]}.")
        if verb == "reinstate" and now >= _validity(locked)[1]:
            raise IllegalTransition("The accreditation's validity has ended: grant a new one instead.")
        before = locked.state
        locked.state = target
        locked.reasons = reasons.strip()
        locked.changed_at = now
        fields = ["state", "reasons", "changed_at"]
        if verb == "reinstate":
            _cover(locked, locked.domains.values_list("pk", flat=True), starts_at=now)
        else:
            _uncover(locked, at=now)
        if void_results:
            locked.results_void = True
            fields.append("results_void")
            AccreditationCoverage.objects.filter(accreditation=locked).delete()
        locked.save(update_fields=fields)
        changes: dict[str, Any] = {"state": [before, target], "reasons": [None, locked.reasons]}
        if void_results:
            changes["results_void"] = [False, True]
        record(
            actor=by,
            action=f"accreditation.{target}",
            obj=locked,
            changes=changes,
            organization_id=locked.organization_id,
        )
        mirror_accredited([locked.organization_id], actor=by)
        _revalidate_affected(locked)
    return locked


def suspend_accreditation(*, by: Any, accreditation: Accreditation, reasons: str) -> Accreditation:
    """Results the organisation submits while suspended never count; earlier ones do."""
    return _change_accreditation(accreditation, by=by, verb="suspend", reasons=reasons)


def reinstate_accreditation(*, by: Any, accreditation: Accreditation, reasons: str) -> Accreditation:
    """Results count again from now on (not those submitted during the suspension)."""
    return _change_accreditation(accreditation, by=by, verb="reinstate", reasons=reasons)


def revoke_accreditation(
    *, by: Any, accreditation: Accreditation, reasons: str, void_results: bool = False
) -> Accreditation:
    """Final. With ``void_results`` every result the accreditation covered stops counting."""
    return _change_accreditation(accreditation, by=by, verb="revoke", reasons=reasons, void_results=void_results)


def expire_accreditations(*, today: date | None = None) -> int:
    """The daily job: accreditations whose validity has ended become ``expired`` (results
    submitted while valid keep counting, so no model needs revalidating), and the
    organisations' ``accredited`` flag follows today's accreditations. Returns how many
    expired; running it twice changes nothing the second time."""
    today = today or timezone.localdate()
    with transaction.atomic():
        ending = list(
            Accreditation.objects.select_for_update()
            .filter(state__in=(Accreditation.State.ACTIVE, Accreditation.State.SUSPENDED), valid_until__lt=today)
            .order_by("pk")
        )
        events = []
        for accreditation in ending:
            events.append(
                PendingEvent(
                    "accreditation.expired",
                    Accreditation._meta.label_lower,
                    str(accreditation.pk),
                    {"state": [accreditation.state, Accreditation.State.EXPIRED]},
                    accreditation.organization_id,
                )
            )
        Accreditation.objects.filter(pk__in=[a.pk for a in ending]).update(
            state=Accreditation.State.EXPIRED, changed_at=timezone.now()
        )
        record_many(events, actor=None)
        mirror_accredited(
            Organization.objects.filter(kind=Organization.Kind.EVALUATOR).values_list("pk", flat=True), today=today
        )
    return len(ending)
