from django.contrib import admin

from governance.audit.admin_base import AuditedAdmin
from governance.compliance.models import (
    ComplianceSubmission,
    EnforcementCase,
    Obligation,
    ObligationTemplate,
    SubmissionFile,
)


@admin.register(ObligationTemplate)
class ObligationTemplateAdmin(AuditedAdmin):
    """Templates are editable data (SPEC section 9); each change is audited."""

    list_display = ["tier", "kind", "period_months", "grace_days", "active"]
    list_filter = ["tier", "active"]
    search_fields = ["kind", "description"]


@admin.register(Obligation)
class ObligationAdmin(admin.ModelAdmin):
    list_display = ["model", "kind", "tier", "next_due", "status", "consecutive_overdue", "remediation_due"]
    list_filter = ["status", "tier", "kind"]
    search_fields = ["model__name", "kind"]
    list_select_related = ["model"]
    readonly_fields = [f.name for f in Obligation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


class SubmissionFileInline(admin.TabularInline):
    model = SubmissionFile
    extra = 0
    can_delete = False
    readonly_fields = ["name", "size", "content_type", "sha256", "file"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ComplianceSubmission)
class ComplianceSubmissionAdmin(admin.ModelAdmin):
    list_display = ["obligation", "period_end", "state", "submitted_by", "submitted_at", "reviewed_by"]
    list_filter = ["state"]
    search_fields = ["obligation__model__name", "notes", "review_notes"]
    readonly_fields = [f.name for f in ComplianceSubmission._meta.fields]
    inlines = [SubmissionFileInline]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(EnforcementCase)
class EnforcementCaseAdmin(admin.ModelAdmin):
    list_display = ["reference", "model", "kind", "state", "opened_at"]
    list_filter = ["kind", "state"]
    search_fields = ["reference", "model__name", "reason"]
    readonly_fields = [f.name for f in EnforcementCase._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
