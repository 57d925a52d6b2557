from django.contrib import admin

from governance.audit.models import AuditEvent
from governance.platform.admin_base import ImmutableAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ImmutableAdmin):
    """Append-only: the trail can be read and searched here, never changed."""

    list_display = ["seq", "timestamp", "actor_label", "action", "object_type", "object_id", "request_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["action", "object_type", "object_id", "actor_label", "request_id", "hash"]
    date_hierarchy = "timestamp"
    ordering = ["-seq"]
