"""Admin building blocks shared by the apps."""

from django.contrib import admin


class ImmutableAdmin(admin.ModelAdmin):
    """Records that only services write (audit events, determinations): readable, never
    added, changed or deleted through the admin."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
