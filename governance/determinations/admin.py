from django.contrib import admin

from governance.determinations.models import Determination
from governance.platform.admin_base import ImmutableAdmin


@admin.register(Determination)
class DeterminationAdmin(ImmutableAdmin):
    """Determinations are immutable records: read-only here."""

    list_display = ["id", "model", "tier", "kind", "status", "threshold_set", "effective_from", "decided_by"]
    list_filter = ["status", "kind", "tier"]
    search_fields = ["model__name", "rationale"]
    list_select_related = ["model", "threshold_set", "decided_by"]
    date_hierarchy = "created_at"
