from typing import Any, cast

from django import forms
from django.contrib import admin

from governance.cases.models import (
    Appeal,
    AppealVote,
    CaseCounter,
    CaseFile,
    CaseMessage,
    ConflictOfInterest,
    Contest,
    InternalNote,
    ReleaseStage,
    ReReview,
)
from governance.cases.services.conflicts import declare_conflict
from governance.platform.admin_base import ImmutableAdmin
from governance.registry.roles import is_adjudicator


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


@admin.register(InternalNote)
class InternalNoteAdmin(ImmutableAdmin):
    """Staff-only notes on cases: written only by ``add_note``, never edited or deleted."""

    list_display = ["case_type", "case_id", "author", "created_at"]
    list_filter = ["case_type"]
    search_fields = ["text"]
    list_select_related = ["author"]


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


class ConflictForm(forms.ModelForm):
    """Refuses, as the service would, a declaration the signed-in user may not record."""

    recorded_by: Any = None  # the signed-in user, set on the class the admin builds per request

    class Meta:
        model = ConflictOfInterest
        fields = ["regulator", "organization", "note"]

    def clean(self):
        cleaned = super().clean()
        if not is_adjudicator(self.recorded_by):
            raise forms.ValidationError("Only regulators record declarations of conflict.")
        return cleaned


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    """Declarations are added through ``declare_conflict`` (audited); once made they stand."""

    list_display = ["regulator", "organization", "declared_at"]
    search_fields = ["regulator__username", "organization__name", "note"]
    autocomplete_fields = ["organization"]
    fields = ["regulator", "organization", "note"]

    form = ConflictForm

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = cast("type[ConflictForm]", super().get_form(request, obj, change=change, **kwargs))
        form.recorded_by = request.user
        return form

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        declared = declare_conflict(
            by=request.user, regulator=obj.regulator, organization=obj.organization, note=obj.note
        )
        obj.pk, obj.declared_at = declared.pk, declared.declared_at


@admin.register(ReleaseStage)
class ReleaseStageAdmin(ReadOnlyCaseAdmin):
    list_display = ["determination", "date", "proposed_tier", "rereview"]


@admin.register(CaseFile)
class CaseFileAdmin(ReadOnlyCaseAdmin):
    list_display = ["name", "contest", "appeal", "size", "sha256", "uploaded_by", "uploaded_at"]
    search_fields = ["name", "sha256"]
