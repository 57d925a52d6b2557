"""The registry in the admin: what has a service is written through it or is read-only here;
reference particulars are edited with an audit event each (``AuditedAdmin``)."""

from typing import Any, cast

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from governance.audit.admin_base import AuditedAdmin
from governance.audit.services import record
from governance.platform.admin_base import ImmutableAdmin
from governance.registry import services
from governance.registry.models import (
    Accreditation,
    AccreditationCoverage,
    AIModel,
    ApiToken,
    Benchmark,
    Membership,
    Organization,
    RiskDomain,
)

User = get_user_model()


class MembershipInline(admin.StackedInline):
    """Saved through ``services.set_membership`` (see ``MemberUserAdmin.save_formset``)."""

    model = Membership
    can_delete = True
    extra = 0
    max_num = 1
    fields = ["organization"]
    autocomplete_fields = ["organization"]


admin.site.unregister(User)

_USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_staff", "is_superuser")


@admin.register(User)
class MemberUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, MembershipInline]
    list_display = [*UserAdmin.list_display, "organization"]  # type: ignore[misc]  # stubs: a TypeVar'd class attribute
    list_filter = [*UserAdmin.list_filter, "membership__organization"]

    @admin.display(description="Organisation")
    def organization(self, user) -> str:
        membership = getattr(user, "membership", None)
        return membership.organization.name if membership else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("membership__organization")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = User.objects.filter(pk=obj.pk).values(*_USER_FIELDS, "password").first() if change else None
        super().save_model(request, obj, form, change)
        after = {name: getattr(obj, name) for name in _USER_FIELDS}
        changes = {name: [before[name] if before else None, value] for name, value in after.items()}
        changes = {name: pair for name, pair in changes.items() if pair[0] != pair[1]}
        if before is None or before["password"] != obj.password:
            changes["password"] = [None, "set"]  # never the hash itself
        if changes:
            record(actor=request.user, action="user.changed" if change else "user.created", obj=obj, changes=changes)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        user = form.instance
        before = sorted(user.groups.values_list("name", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        after = sorted(user.groups.values_list("name", flat=True))
        if before != after:
            record(actor=request.user, action="user.roles_changed", obj=user, changes={"roles": [before, after]})

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Membership:
            super().save_formset(request, form, formset, change)
            return
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []  # for the change message
        for inline in formset.forms:
            if not inline.has_changed() and not (formset.can_delete and formset._should_delete_form(inline)):
                continue
            deleted = formset.can_delete and formset._should_delete_form(inline)
            organization = None if deleted else inline.cleaned_data.get("organization")
            services.set_membership(by=request.user, user=form.instance, organization=organization)


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    """Names and jurisdictions are edited here; the kind and accreditation decide whose
    evidence counts, so they change only through their services (the API)."""

    list_display = ["name", "kind", "jurisdiction", "accredited"]
    list_filter = ["kind", "accredited", "jurisdiction"]
    search_fields = ["name", "jurisdiction"]
    readonly_fields = ["kind", "accredited", "verified", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RiskDomain)
class RiskDomainAdmin(AuditedAdmin):
    """A domain's name is edited here; whether it is catastrophic is part of the tier rule's
    input for every model, so it is not."""

    list_display = ["slug", "name", "catastrophic"]
    list_filter = ["catastrophic"]
    search_fields = ["slug", "name"]
    readonly_fields = ["slug", "catastrophic"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    """Read-only: a benchmark's scale, direction and ``standardized`` flag decide evidence, and
    change through the API's service, with a reason, revalidating the models concerned."""

    list_display = ["slug", "name", "version", "domain", "metric", "external_id", "standardized"]
    list_filter = ["domain", "standardized", "higher_is_more_capable"]
    search_fields = ["slug", "name", "external_id"]
    readonly_fields = [field.name for field in Benchmark._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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


@admin.register(ApiToken)
class ApiTokenAdmin(ImmutableAdmin):
    """Tokens are listed (never their keys: only a hash is stored) and revoked by deleting."""

    list_display = ["token_key", "user", "scope", "created", "expiry"]
    list_filter = ["scope"]
    exclude = ["digest"]

    def get_readonly_fields(self, request, obj=None):
        return ["token_key", "user", "scope", "created", "expiry"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return True

    def delete_model(self, request, obj) -> None:
        services.revoke_token(by=request.user, token=obj)

    def delete_queryset(self, request, queryset) -> None:
        for token in queryset:
            services.revoke_token(by=request.user, token=token)


class AccreditationCoverageInline(admin.TabularInline):
    """Read-only: the periods in which the accreditation counts, kept by its services."""

    model = AccreditationCoverage
    extra = 0
    fields = ["domain", "starts_at", "ends_at"]
    readonly_fields = cast("list[str]", fields)  # typed as the base's field groups: these are names

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Accreditation)
class AccreditationAdmin(ImmutableAdmin):
    """Read-only: accreditations are granted and changed by a regulator through the API and
    its services, with reasons, revalidating the models concerned (SPEC section 22)."""

    list_display = ["organization", "state", "valid_from", "valid_until", "results_void"]
    list_filter = ["state", "results_void"]
    search_fields = ["organization__name", "reasons"]
    inlines = [AccreditationCoverageInline]
