"""The access check hosts ask before serving weights (SPEC 21, performance in SPEC 19).

A constant number of queries whatever the data: one read (the model's tier, whether the
requester exists, and the requester's most relevant grant, all in one statement) and one
insert (the register entry every answer leaves).
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.utils import timezone

from governance.access.models import AccessGrant, RegisterEntry
from governance.platform.errors import NotVisible
from governance.registry.models import AIModel
from governance.registry.roles import organization_id_of
from governance.tiering import access as rule


@dataclass(frozen=True)
class CheckAnswer:
    allowed: bool
    tier: int | None
    condition: str | None
    grant: int | None
    reason: str


def check(*, host_user: Any, model_id: int, requester_id: int) -> CheckAnswer:
    """Answer and record one check. An unknown model or requester is 404 (and recorded
    nowhere: there is nothing to record it against)."""
    grants = AccessGrant.objects.filter(model_id=OuterRef("pk"), requester_id=requester_id).order_by(
        Case(When(state=AccessGrant.State.ACTIVE, then=Value(0)), default=Value(1), output_field=IntegerField()),
        "-granted_at",
        "-pk",
    )
    row = (
        AIModel.objects.filter(pk=model_id)
        .annotate(
            requester_exists=Exists(get_user_model().objects.filter(pk=requester_id, is_active=True)),
            grant_id=Subquery(grants.values("pk")[:1]),
            grant_state=Subquery(grants.values("state")[:1]),
            grant_research=Subquery(grants.values("research")[:1]),
            grant_expires=Subquery(grants.values("expires_at")[:1]),
        )
        .values("current_tier", "requester_exists", "grant_id", "grant_state", "grant_research", "grant_expires")
        .first()
    )
    if row is None:
        raise NotVisible(f"No model with id {model_id}.")
    if not row["requester_exists"]:
        raise NotVisible(f"No requester with id {requester_id}.")
    now = timezone.now()
    tier = row["current_tier"]
    expires = row["grant_expires"]
    answer = rule.answer(
        tier,
        grant_state=row["grant_state"],
        grant_research=bool(row["grant_research"]),
        grant_expired=expires is not None and expires <= now,
    )
    grant_id = row["grant_id"] if answer.allowed and tier != 1 else None
    RegisterEntry.objects.create(
        at=now,
        kind=RegisterEntry.Kind.CHECK,
        model_id=model_id,
        requester_id=requester_id,
        grant_id=row["grant_id"],
        host_id=organization_id_of(host_user),
        actor_id=host_user.pk,
        tier=tier,
        allowed=answer.allowed,
        reason=answer.reason,
    )
    return CheckAnswer(answer.allowed, tier, answer.condition, grant_id, answer.reason)
