from typing import cast

from django.contrib import admin, messages

from governance.baselines import services
from governance.baselines.models import BoardVote, Consultation, ConsultationComment, ThresholdEntry, ThresholdSet
from governance.platform.admin_base import ImmutableAdmin
from governance.platform.errors import DomainError


class ThresholdEntryInline(admin.TabularInline):
    """Read-only: a draft's entries are edited through the API and the web form, which check
    the ordering of section 3 and audit the change."""

    model = ThresholdEntry
    extra = 0
    fields = ["domain", "low", "high", "critical"]
    readonly_fields = cast(list[str], fields)  # field names only, no groups

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


class CommentInline(admin.TabularInline):
    """Read-only: comments are written by signed-in users through the consultation page."""

    model = ConsultationComment
    extra = 0
    fields = ["author", "organization", "body", "created_at"]
    readonly_fields = cast(list[str], fields)  # field names only, no groups

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Consultation)
class ConsultationAdmin(ImmutableAdmin):
    """Read-only: consultations are opened, closed and answered by the board (SPEC 22)."""

    list_display = ["threshold_set", "opens_at", "closes_at", "closed_at", "responded_at"]
    search_fields = ["threshold_set__version", "response"]
    inlines = [CommentInline]


@admin.register(BoardVote)
class BoardVoteAdmin(ImmutableAdmin):
    """Read-only: each board member votes once, through the API or the set's page."""

    list_display = ["threshold_set", "member", "vote", "cast_at"]
    list_filter = ["vote"]
    search_fields = ["threshold_set__version", "reasons"]
