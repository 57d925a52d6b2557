"""The access check hosts ask before serving weights (SPEC 21, performance in SPEC 19).

A constant number of queries whatever the data: one read (the model's tier, whether the
requester exists, and the requester's most relevant grant, all in one statement) and one
insert (the register entry every answer leaves).
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from governance.access.models import AccessGrant, RegisterEntry
from governance.platform.errors import NotVisible
from governance.platform.raw_values import moment
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


@cache
def _read_sql() -> str:
    """The check's one read, written out once: the ORM would compile its four correlated
    subqueries afresh on every call, which cost more than running them."""
    quote = connection.ops.quote_name
    model, grant, user = (quote(m._meta.db_table) for m in (AIModel, AccessGrant, get_user_model()))
    latest = (
        f"FROM {grant} g WHERE g.model_id = m.id AND g.requester_id = %(requester)s "
        "ORDER BY CASE WHEN g.state = 'active' THEN 0 ELSE 1 END, g.granted_at DESC, g.id DESC LIMIT 1"
    )
    return (
        f"SELECT m.current_tier, "
        f"(SELECT 1 FROM {user} u WHERE u.id = %(requester)s AND u.is_active), "
        f"(SELECT g.id {latest}), (SELECT g.state {latest}), (SELECT g.research {latest}), "
        f"(SELECT g.expires_at {latest}) "
        f"FROM {model} m WHERE m.id = %(model)s"
    )


@cache
def _record_sql() -> str:
    """The register entry every answer leaves, written out once like the read (the ORM's
    ``create`` compiled it afresh on every call)."""
    columns = ("at", "kind", "model_id", "requester_id", "grant_id", "host_id", "actor_id", "tier", "allowed", "reason")
    quote = connection.ops.quote_name
    return (
        f"INSERT INTO {quote(RegisterEntry._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join(f'%({c})s' for c in columns)})"
    )


def check(*, host_user: Any, model_id: int, requester_id: int) -> CheckAnswer:
    """Answer and record one check. An unknown model or requester is 404 (and recorded
    nowhere: there is nothing to record it against)."""
    with connection.cursor() as cursor:
        cursor.execute(_read_sql(), {"model": model_id, "requester": requester_id})
        row = cursor.fetchone()
    if row is None:
        raise NotVisible(f"No model with id {model_id}.")
    tier, requester_exists, grant_id, grant_state, grant_research, grant_expires = row
    if not requester_exists:
        raise NotVisible(f"No requester with id {requester_id}.")
    now = timezone.now()
    expires = moment(grant_expires)
    answer = rule.answer(
        tier,
        grant_state=grant_state,
        grant_research=bool(grant_research),
        grant_expired=expires is not None and expires <= now,
    )
    entry = {
        "at": connection.ops.adapt_datetimefield_value(now),
        "kind": RegisterEntry.Kind.CHECK.value,
        "model_id": model_id,
        "requester_id": requester_id,
        "grant_id": grant_id,
        "host_id": organization_id_of(host_user),
        "actor_id": host_user.pk,
        "tier": tier,
        "allowed": answer.allowed,
        "reason": answer.reason,
    }
    with connection.cursor() as cursor:
        cursor.execute(_record_sql(), entry)
    shown = grant_id if answer.allowed and tier != 1 else None
    return CheckAnswer(answer.allowed, tier, answer.condition, shown, answer.reason)
