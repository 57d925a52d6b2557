from django.contrib import admin

from governance.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "event", "subject", "read_at", "email_sent_at", "email_attempts"]
    list_filter = ["event"]
    search_fields = ["recipient__username", "subject", "object_type", "object_id"]
    list_select_related = ["recipient"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
