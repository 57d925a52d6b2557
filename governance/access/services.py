"""Access requests and grants (SPEC section 21). One function per transition: one
transaction, the row locked, the actor and state checked, the audit event and the register
entry written with the change, notifications queued after commit."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance.access.models import AccessGrant, AccessRequest, Attestation, RegisterEntry, RequesterProfile
from governance.access.selectors import attestation_in_force
from governance.audit.services import PendingEvent, created, record, record_many
from governance.cases.references import next_reference
from governance.notifications.models import Notification
from governance.notifications.services import members_of, notify, send_in_bulk
from governance.platform.errors import Conflict, IllegalTransition, Invalid, NotAllowed, NotVisible
from governance.platform.transitions import target_state
from governance.registry.models import AIModel
from governance.registry.roles import is_adjudicator, is_developer, is_institution_verifier, organization_id_of
from governance.tiering import access as rule
from governance.tiering.calendar import add_months

REQUEST_FIELDS = (
    "reference",
    "model",
    "requester",
    "state",
    "tier_at_request",
    "purpose",
    "attestation",
    "affiliation",
)
OPEN_STATES = ("submitted", "identity_verified", "affiliation_confirmed")


def _lock(access_request: AccessRequest) -> AccessRequest:
    return (
        AccessRequest.objects.select_for_update(of=("self",))
        .select_related("model", "attestation", "affiliation")
        .get(pk=access_request.pk)
    )


def _move(access_request: AccessRequest, action: str, *, by: Any, extra: dict[str, list[Any]] | None = None) -> None:
    before = access_request.state
    access_request.state = target_state("accessrequest", action, before, "access request")
    record(
        actor=by,
        action=f"access_request.{action}",
        obj=access_request,
        changes={"state": [before, access_request.state], **(extra or {})},
        organization_id=access_request.model.developer_id,
    )


def _link(access_request: AccessRequest) -> str:
    return f"/access/requests/{access_request.pk}/"


def _tell_requester(access_request: AccessRequest, subject: str, body: str = "") -> None:
    notify(
        recipients=[access_request.requester],
        event="access_request",
        subject=f"{access_request.reference}: {subject}",
        body=body,
        obj=access_request,
        link="/access/",
    )


def _is_developer_of(user: Any, model: AIModel) -> bool:
    return is_developer(user) and organization_id_of(user) == model.developer_id


def file_request(*, by: Any, model: AIModel, purpose: str = "", attestation_version: str) -> AccessRequest:
    """A requester asks for a Tier 2 or 3 model's weights, accepting the attestation in force."""
    profile = RequesterProfile.objects.filter(user=by).select_related("affiliation").first()
    if profile is None:
        raise Invalid("Complete your requester profile (legal name and country) before requesting access.")
    purpose = (purpose or "").strip()
    with transaction.atomic():
        model = AIModel.objects.select_for_update().get(pk=model.pk)
        if (why := rule.requestable(model.current_tier)) is not None:
            raise Conflict(why)
        tier = model.current_tier
        assert tier is not None
        attestation = attestation_in_force(tier)
        if attestation is None or attestation.version != attestation_version:
            current = attestation.version if attestation else "none"
            raise Invalid(fields={"attestation_version": [f"Tier {tier}'s attestation in force is version {current}."]})
        if rule.needs_affiliation(tier):
            problems = {}
            if not purpose:
                problems["purpose"] = ["Tier 3 access is for research only: state the research purpose."]
            if profile.affiliation is None or not profile.affiliation.verified:
                problems["affiliation"] = ["Tier 3 access needs an affiliation with a verified research organisation."]
            if problems:
                raise Invalid(fields=problems)
        if AccessRequest.objects.filter(requester=by, model=model, state__in=OPEN_STATES).exists():
            raise Conflict("You already have an open access request for this model.")
        access_request = AccessRequest.objects.create(
            reference=next_reference("AR", timezone.localdate().year),
            model=model,
            requester=by,
            tier_at_request=tier,
            purpose=purpose,
            attestation=attestation,
            affiliation=profile.affiliation,
        )
        record(
            actor=by,
            action="access_request.submitted",
            obj=access_request,
            changes=created(access_request, REQUEST_FIELDS),
            organization_id=model.developer_id,
        )
        notify(
            recipients=members_of(model.developer_id),
            event="access_request",
            subject=f"{access_request.reference}: access requested to {model} (Tier {tier})",
            body=f"By {profile.legal_name} ({profile.country}). Purpose: {purpose or '—'}",
            obj=access_request,
            link="/access/queue/",
        )
    return access_request


def verify_identity(*, by: Any, access_request: AccessRequest) -> AccessRequest:
    """The model's developer organisation (as on gated hubs) or a regulator verifies who the
    requester is."""
    with transaction.atomic():
        access_request = _lock(access_request)
        if not (_is_developer_of(by, access_request.model) or is_adjudicator(by)):
            raise NotAllowed("Only the model's developer organisation or a regulator verifies identity.")
        _move(access_request, "verify_identity", by=by, extra={"identity_verified_by": [None, by.pk]})
        access_request.identity_verified_by = by
        access_request.identity_verified_at = timezone.now()
        access_request.save(update_fields=["state", "identity_verified_by", "identity_verified_at"])
        if access_request.affiliation_id is not None and rule.needs_affiliation(access_request.tier_at_request):
            verifiers = members_of(access_request.affiliation_id).filter(groups__name="institution_verifier")
            notify(
                recipients=verifiers,
                event="access_request",
                subject=f"{access_request.reference}: confirm an affiliation with your institution",
                obj=access_request,
                link="/access/institution/",
            )
    return access_request


def confirm_affiliation(*, by: Any, access_request: AccessRequest) -> AccessRequest:
    """The requester's institution (a verified research organisation) confirms the
    affiliation. A verifier of another institution does not see the request (404)."""
    if not is_institution_verifier(by):
        raise NotAllowed("Only an institution verifier confirms affiliations.")
    with transaction.atomic():
        access_request = _lock(access_request)
        affiliation = access_request.affiliation
        if affiliation is None or affiliation.pk != organization_id_of(by):
            raise NotVisible("No such access request.")
        if not affiliation.verified:
            raise Conflict("The institution is not verified by the regulator.")
        _move(access_request, "confirm_affiliation", by=by, extra={"affiliation_confirmed_by": [None, by.pk]})
        access_request.affiliation_confirmed_by = by
        access_request.affiliation_confirmed_at = timezone.now()
        access_request.save(update_fields=["state", "affiliation_confirmed_by", "affiliation_confirmed_at"])
        notify(
            recipients=members_of(access_request.model.developer_id),
            event="access_request",
            subject=f"{access_request.reference}: affiliation confirmed, ready for your decision",
            obj=access_request,
            link="/access/queue/",
        )
    return access_request


def approve(*, by: Any, access_request: AccessRequest, reasons: str = "") -> AccessGrant:
    """The developer organisation approves. The condition is that of the tier in force now,
    not when the request was filed: a model that rose to Tier 3 needs the affiliation
    confirmed; one that rose to Tier 4 cannot be approved at all."""
    with transaction.atomic():
        access_request = _lock(access_request)
        model = AIModel.objects.select_for_update().get(pk=access_request.model_id)
        if not _is_developer_of(by, model):
            raise NotAllowed("Only the model's developer organisation approves access.")
        tier = model.current_tier
        if tier is None or tier in (1, 4):
            why = rule.requestable(tier)
            raise Conflict(f"Cannot approve: {why}")
        if rule.needs_affiliation(tier) and access_request.state != AccessRequest.State.AFFILIATION_CONFIRMED:
            raise IllegalTransition(
                "The model is Tier 3: the requester's affiliation must be confirmed by the institution first."
            )
        if rule.needs_affiliation(tier) and not access_request.purpose:
            raise Conflict("The model is Tier 3: research access needs a stated research purpose.")
        _move(access_request, "approve", by=by, extra={"decided_by": [None, by.pk], "reasons": [None, reasons]})
        now = timezone.now()
        access_request.decided_by = by
        access_request.decided_at = now
        access_request.reasons = reasons.strip()
        access_request.save(update_fields=["state", "decided_by", "decided_at", "reasons"])
        grant = _grant(access_request, tier=tier, by=by, now=now)
        _tell_requester(
            access_request,
            f"access to {model} approved",
            f"Tier {tier}. " + (f"The grant expires on {grant.expires_at:%Y-%m-%d}." if grant.expires_at else ""),
        )
    return grant


def _grant(access_request: AccessRequest, *, tier: int, by: Any, now: datetime) -> AccessGrant:
    """The grant an approval makes. A requester's active grant on the model is renewed (the
    old one expires); a suspended one stays suspended, and this grant reinstates access."""
    previous = list(
        AccessGrant.objects.select_for_update()
        .filter(requester_id=access_request.requester_id, model_id=access_request.model_id)
        .exclude(state__in=[AccessGrant.State.REVOKED, AccessGrant.State.EXPIRED])
    )
    for old in previous:
        if old.state == AccessGrant.State.ACTIVE:
            _end(
                [old], "expire", by=by, reasons=f"Renewed by {access_request.reference}.", now=now, notify_holders=False
            )
    research = access_request.affiliation_confirmed_by_id is not None and bool(access_request.purpose)
    grant = AccessGrant.objects.create(
        request=access_request,
        model_id=access_request.model_id,
        requester_id=access_request.requester_id,
        tier=tier,
        research=research,
        attestation_version=access_request.attestation.version,
        granted_at=now,
        expires_at=_months_after(now, settings.ACCESS_GRANT_MONTHS) if rule.needs_affiliation(tier) else None,
    )
    reinstates = any(old.state == AccessGrant.State.SUSPENDED for old in previous)
    record(
        actor=by,
        action="access_grant.reinstated" if reinstates else "access_grant.granted",
        obj=grant,
        changes=created(
            grant, ("request", "model", "requester", "tier", "research", "attestation_version", "expires_at")
        ),
        organization_id=access_request.model.developer_id,
    )
    RegisterEntry.objects.create(
        at=now,
        kind=RegisterEntry.Kind.REINSTATED if reinstates else RegisterEntry.Kind.GRANTED,
        model_id=grant.model_id,
        requester_id=grant.requester_id,
        grant=grant,
        actor=by,
        tier=tier,
        reason=access_request.reasons,
    )
    return grant


def _months_after(moment: datetime, months: int) -> datetime:
    return datetime.combine(add_months(moment.date(), months), moment.timetz())


def deny(*, by: Any, access_request: AccessRequest, reasons: str) -> AccessRequest:
    if not (reasons or "").strip():
        raise Invalid(fields={"reasons": ["A denial gives its reasons to the requester."]})
    with transaction.atomic():
        access_request = _lock(access_request)
        if not (_is_developer_of(by, access_request.model) or is_adjudicator(by)):
            raise NotAllowed("Only the model's developer organisation or a regulator denies access.")
        _move(access_request, "deny", by=by, extra={"decided_by": [None, by.pk], "reasons": [None, reasons.strip()]})
        access_request.decided_by = by
        access_request.decided_at = timezone.now()
        access_request.reasons = reasons.strip()
        access_request.save(update_fields=["state", "decided_by", "decided_at", "reasons"])
        _tell_requester(access_request, f"access to {access_request.model} denied", reasons.strip())
    return access_request


def withdraw(*, by: Any, access_request: AccessRequest) -> AccessRequest:
    with transaction.atomic():
        access_request = _lock(access_request)
        if access_request.requester_id != by.pk:
            raise NotAllowed("Only the requester withdraws a request.")
        _move(access_request, "withdraw", by=by)
        access_request.save(update_fields=["state"])
    return access_request


def revoke(*, by: Any, grant: AccessGrant, reasons: str) -> AccessGrant:
    if not (reasons or "").strip():
        raise Invalid(fields={"reasons": ["A revocation gives its reasons to the holder."]})
    with transaction.atomic():
        grant = AccessGrant.objects.select_for_update(of=("self",)).select_related("model").get(pk=grant.pk)
        if not (_is_developer_of(by, grant.model) or is_adjudicator(by)):
            raise NotAllowed("Only the model's developer organisation or a regulator revokes access.")
        _end([grant], "revoke", by=by, reasons=reasons.strip(), now=timezone.now())
    return grant


_END = {
    "expire": (AccessGrant.State.EXPIRED, RegisterEntry.Kind.EXPIRED, "expired"),
    "suspend": (AccessGrant.State.SUSPENDED, RegisterEntry.Kind.SUSPENDED, "suspended"),
    "revoke": (AccessGrant.State.REVOKED, RegisterEntry.Kind.REVOKED, "revoked"),
}


def _end(
    grants: Iterable[AccessGrant],
    action: str,
    *,
    by: Any,
    reasons: str,
    now: datetime,
    notify_holders: bool = True,
    tiers: dict[int, int] | None = None,
) -> list[AccessGrant]:
    """End ``grants`` (locked by the caller) by ``action``: one update, one audit event, one
    register entry and one notice per grant, however many."""
    grants = list(grants)
    state, kind, word = _END[action]
    for grant in grants:
        target_state("accessgrant", action, grant.state, "access grant")
    if not grants:
        return []
    AccessGrant.objects.filter(pk__in=[g.pk for g in grants]).update(state=state, ended_at=now, reasons=reasons)
    events, entries, notices = [], [], []
    for grant in grants:
        events.append(
            PendingEvent(
                action=f"access_grant.{word}",
                object_type="access.accessgrant",
                object_id=str(grant.pk),
                changes={"state": [grant.state, state], "reasons": [None, reasons]},
                organization_id=grant.model.developer_id,
            )
        )
        grant.state, grant.ended_at, grant.reasons = state, now, reasons
        tier = (tiers or {}).get(grant.model_id, grant.model.current_tier)
        entries.append(
            RegisterEntry(
                at=now,
                kind=kind,
                model_id=grant.model_id,
                requester_id=grant.requester_id,
                grant_id=grant.pk,
                actor=by if getattr(by, "pk", None) else None,
                tier=tier,
                reason=reasons,
            )
        )
        if notify_holders:
            notices.append(
                Notification(
                    recipient_id=grant.requester_id,
                    event="access_grant",
                    subject=f"Your access to {grant.model} is {word}"[:200],
                    body=reasons,
                    link="/access/",
                    object_type="access.accessgrant",
                    object_id=str(grant.pk),
                )
            )
    record_many(events, actor=by)
    RegisterEntry.objects.bulk_create(entries)
    send_in_bulk(notices)
    return grants


def act_on_tier_changes(changes: Iterable[tuple[int, int, int | None]], *, actor: Any = None) -> list[AccessGrant]:
    """Escalations act on grants at once (SPEC 21): ``(model_id, new_tier, previous_tier)``
    for each model whose tier in force rose. Under Tier 3 only research grants hold; under
    Tier 4 none do. Relaxations leave grants as they are."""
    risen = {model_id: tier for model_id, tier, previous in changes if previous is not None and tier > previous}
    risen = {model_id: tier for model_id, tier in risen.items() if tier >= 3}
    if not risen:
        return []
    active = list(
        AccessGrant.objects.select_for_update(of=("self",))
        .select_related("model")
        .filter(model_id__in=list(risen), state=AccessGrant.State.ACTIVE)
        .order_by("pk")
    )
    suspended = []
    for tier in (3, 4):
        grants = [g for g in active if risen[g.model_id] == tier and not rule.grant_holds(tier, research=g.research)]
        reasons = f"The model rose to Tier {tier}: " + (
            "only research access with a confirmed affiliation continues." if tier == 3 else rule.TIER_4_REASON
        )
        suspended += _end(grants, "suspend", by=actor, reasons=reasons, now=timezone.now(), tiers=risen)
    return suspended


def expire_due(*, now: datetime | None = None) -> int:
    """Grants past their expiry date expire (the daily job)."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            AccessGrant.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related("model")
            .filter(state=AccessGrant.State.ACTIVE, expires_at__lte=now)
            .order_by("pk")[:5000]
        )
        _end(due, "expire", by=None, reasons="The grant reached its expiry date; a new request renews it.", now=now)
    return len(due)


def publish_attestation(*, by: Any, tier: int, version: str, text: str) -> Attestation:
    """A new attestation version for ``tier`` takes force; the previous one is kept (grants
    name the version their holders accepted) and requests must name the new one."""
    if not is_adjudicator(by) and not getattr(by, "is_superuser", False):
        raise NotAllowed("Only a regulator publishes attestation texts.")
    if tier not in (2, 3):
        raise Invalid(fields={"tier": ["Only Tier 2 and Tier 3 ask for a use attestation."]})
    if not (text or "").strip() or not (version or "").strip():
        raise Invalid(fields={"text": ["An attestation has a version and a text."]})
    with transaction.atomic():
        if Attestation.objects.filter(tier=tier, version=version.strip()).exists():
            raise Conflict(f"Tier {tier} already has an attestation version {version.strip()}.")
        Attestation.objects.select_for_update().filter(tier=tier, in_force=True).update(in_force=False)
        attestation = Attestation.objects.create(tier=tier, version=version.strip(), text=text.strip(), in_force=True)
        record(
            actor=by,
            action="attestation.published",
            obj=attestation,
            changes=created(attestation, ("tier", "version", "text")),
        )
    return attestation
