from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from governance.registry.models import AIModel, Benchmark, Membership, Organization, RiskDomain

User = get_user_model()


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = True
    extra = 0
    autocomplete_fields = ["organization"]


admin.site.unregister(User)


@admin.register(User)
class MemberUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, MembershipInline]
    list_display = [*UserAdmin.list_display, "organization"]
    list_filter = [*UserAdmin.list_filter, "membership__organization"]

    @admin.display(description="Organisation")
    def organization(self, user) -> str:
        membership = getattr(user, "membership", None)
        return membership.organization.name if membership else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("membership__organization")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "jurisdiction", "accredited"]
    list_filter = ["kind", "accredited", "jurisdiction"]
    search_fields = ["name", "jurisdiction"]


@admin.register(RiskDomain)
class RiskDomainAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "catastrophic"]
    list_filter = ["catastrophic"]
    search_fields = ["slug", "name"]


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "version", "domain", "metric", "external_id", "standardized"]
    list_filter = ["domain", "standardized", "higher_is_more_capable"]
    search_fields = ["slug", "name", "external_id"]


@admin.register(AIModel)
class AIModelAdmin(admin.ModelAdmin):
    """Models are registered through the API or the web forms (which determine a tier);
    here their particulars can be read and searched. Tier fields are never edited."""

    list_display = ["name", "version", "developer", "current_tier", "evidence_complete", "released", "next_review_due"]
    list_filter = ["current_tier", "released", "evidence_complete", "derivation", "developer"]
    search_fields = ["name", "version", "developer__name", "weights_sha256"]
    list_select_related = ["developer"]
    readonly_fields = [field.name for field in AIModel._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
