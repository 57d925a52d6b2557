from django.contrib import admin, messages

from governance.baselines import services
from governance.baselines.models import ThresholdEntry, ThresholdSet
from governance.platform.errors import DomainError


class ThresholdEntryInline(admin.TabularInline):
    """Read-only: a draft's entries are edited through the API and the web form, which check
    the ordering of section 3 and audit the change."""

    model = ThresholdEntry
    extra = 0
    fields = ["domain", "low", "high", "critical"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ThresholdSet)
class ThresholdSetAdmin(admin.ModelAdmin):
    """Published sets are immutable; drafts are written through the API and web forms
    (which validate the section 3 ordering and audit each change)."""

    list_display = ["version", "status", "effective_from", "issuing_body", "published_at"]
    list_filter = ["status"]
    search_fields = ["version", "issuing_body", "rationale"]
    inlines = [ThresholdEntryInline]
    readonly_fields = [field.name for field in ThresholdSet._meta.fields]
    actions = ["publish_now"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Publish selected drafts, effective now")
    def publish_now(self, request, queryset) -> None:
        for threshold_set in queryset:
            try:
                services.publish(by=request.user, threshold_set=threshold_set)
                self.message_user(request, f"{threshold_set} published and in force.", messages.SUCCESS)
            except DomainError as error:
                self.message_user(request, f"{threshold_set}: {error.message}", messages.ERROR)
