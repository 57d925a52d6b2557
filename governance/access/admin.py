from django.contrib import admin

from governance.access import services
from governance.access.models import (
    AccessCondition,
    AccessGrant,
    AccessRequest,
    Attestation,
    RegisterEntry,
    RequesterProfile,
)
from governance.audit.admin_base import AuditedAdmin
from governance.platform.admin_base import ImmutableAdmin


@admin.register(AccessCondition)
class AccessConditionAdmin(AuditedAdmin):
    list_display = ["tier", "summary"]
    readonly_fields = ["tier"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attestation)
class AttestationAdmin(admin.ModelAdmin):
    """A new version is added (through the service, which retires the one in force); a
    published text never changes."""

    list_display = ["tier", "version", "in_force", "created_at"]
    list_filter = ["tier", "in_force"]
    fields = ["tier", "version", "text"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        published = services.publish_attestation(by=request.user, tier=obj.tier, version=obj.version, text=obj.text)
        obj.pk = published.pk


@admin.register(AccessRequest)
class AccessRequestAdmin(ImmutableAdmin):
    list_display = ["reference", "model", "requester", "state", "tier_at_request", "created_at"]
    list_filter = ["state", "tier_at_request"]
    search_fields = ["reference"]


@admin.register(AccessGrant)
class AccessGrantAdmin(ImmutableAdmin):
    list_display = ["id", "model", "requester", "state", "tier", "expires_at"]
    list_filter = ["state", "tier"]


@admin.register(RegisterEntry)
class RegisterEntryAdmin(ImmutableAdmin):
    list_display = ["at", "kind", "model", "requester", "host", "allowed"]
    list_filter = ["kind", "allowed"]


@admin.register(RequesterProfile)
class RequesterProfileAdmin(ImmutableAdmin):
    """Requesters keep their own profile (My access); the admin reads it."""

    list_display = ["legal_name", "user", "country", "affiliation", "email_confirmed_at"]
    search_fields = ["legal_name", "user__username"]
