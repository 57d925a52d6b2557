from django.contrib import admin

from governance.determinations.models import Determination


@admin.register(Determination)
class DeterminationAdmin(admin.ModelAdmin):
    """Determinations are immutable records: read-only here."""

    list_display = ["id", "model", "tier", "kind", "status", "threshold_set", "effective_from", "decided_by"]
    list_filter = ["status", "kind", "tier"]
    search_fields = ["model__name", "rationale"]
    list_select_related = ["model", "threshold_set", "decided_by"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
