from django.contrib import admin

from governance.cases.models import (
    Appeal,
    AppealVote,
    CaseCounter,
    CaseFile,
    CaseMessage,
    ConflictOfInterest,
    Contest,
    ReleaseStage,
    ReReview,
)
from governance.platform.admin_base import ImmutableAdmin


class ReadOnlyCaseAdmin(admin.ModelAdmin):
    """Cases change only through their transitions (API and web forms), never by editing."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MessageInline(admin.TabularInline):
    model = CaseMessage
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "author", "body", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Contest)
class ContestAdmin(ReadOnlyCaseAdmin):
    list_display = ["reference", "model", "state", "requested_tier", "adjudicator", "due_date", "overdue", "outcome"]
    list_filter = ["state", "outcome", "overdue"]
    search_fields = ["reference", "model__name", "grounds"]
    list_select_related = ["model", "adjudicator"]
    inlines = [MessageInline]


@admin.register(CaseCounter)
class CaseCounterAdmin(ImmutableAdmin):
    """The per-year sequence behind case references; written only by ``next_reference``."""

    list_display = ["prefix", "year", "last"]
    list_filter = ["prefix", "year"]


class VoteInline(admin.TabularInline):
    model = AppealVote
    extra = 0
    can_delete = False
    readonly_fields = ["member", "vote", "tier", "reasons", "cast_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Appeal)
class AppealAdmin(ReadOnlyCaseAdmin):
    list_display = ["reference", "contest", "state", "chair", "hearing_at", "due_date", "outcome"]
    list_filter = ["state", "outcome"]
    search_fields = ["reference", "contest__reference", "grounds"]
    inlines = [VoteInline]


@admin.register(ReReview)
class ReReviewAdmin(ReadOnlyCaseAdmin):
    list_display = ["reference", "model", "trigger", "state", "due_date", "assignee", "outcome"]
    list_filter = ["trigger", "state", "outcome"]
    search_fields = ["reference", "model__name"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    list_display = ["regulator", "organization", "declared_at"]
    search_fields = ["regulator__username", "organization__name", "note"]
    autocomplete_fields = ["organization"]


@admin.register(ReleaseStage)
class ReleaseStageAdmin(ReadOnlyCaseAdmin):
    list_display = ["determination", "date", "proposed_tier", "rereview"]


@admin.register(CaseFile)
class CaseFileAdmin(ReadOnlyCaseAdmin):
    list_display = ["name", "contest", "appeal", "size", "sha256", "uploaded_by", "uploaded_at"]
    search_fields = ["name", "sha256"]
