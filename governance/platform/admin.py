from django.contrib import admin

from governance.platform.admin_base import ImmutableAdmin
from governance.platform.models import QueuedJob


@admin.register(QueuedJob)
class QueuedJobAdmin(ImmutableAdmin):
    """The job outbox, to read what waits for the broker and why (``last_error``)."""

    list_display = ["id", "name", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["name", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "last_error"]
