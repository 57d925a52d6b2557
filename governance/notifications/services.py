"""Notifications: the inbox row is written with the change; e-mail follows after commit."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from governance.notifications.models import Notification
from governance.platform.jobs import SEND_NOTIFICATION_EMAILS, enqueue


def members_of(organization_id: int) -> models.QuerySet:
    return get_user_model().objects.filter(membership__organization_id=organization_id, is_active=True)


def member_ids_by_organization(organization_ids: Iterable[int]) -> dict[int, list[int]]:
    """The active members' user ids of each organisation, in one query."""
    members: dict[int, list[int]] = defaultdict(list)
    for user_id, org_id in (
        get_user_model()
        .objects.filter(membership__organization_id__in=set(organization_ids), is_active=True)
        .values_list("id", "membership__organization_id")
    ):
        members[org_id].append(user_id)
    return members


def send_in_bulk(rows: list[Notification]) -> list[Notification]:
    """Write many inbox entries in one statement and queue their e-mails after commit."""
    created = Notification.objects.bulk_create(rows, batch_size=1000)
    ids = [n.pk for n in created if n.pk is not None]
    if ids:
        enqueue(SEND_NOTIFICATION_EMAILS, ids)
    return created


def users_with_role(*roles: str) -> models.QuerySet:
    return get_user_model().objects.filter(groups__name__in=roles, is_active=True).distinct()


def notify(
    *,
    recipients: Iterable[Any],
    event: str,
    subject: str,
    body: str = "",
    obj: models.Model | None = None,
    link: str = "",
) -> list[Notification]:
    """Write one inbox entry per distinct recipient and queue their e-mails after commit."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                event=event,
                subject=subject[:200],
                body=body,
                link=link,
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
            )
        )
    return send_in_bulk(rows)


def mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
