"""The admin's writes are audited like every other (SPEC section 12).

Reference data that has no transition of its own (organisation particulars, risk domain
names, obligation templates) is edited in the admin through :class:`AuditedAdmin`: each save
and delete writes its audit event in the admin's own transaction. Everything with a
service is written through that service or is read-only here.
"""

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from governance.audit.services import created, diff, record, snapshot


def _stored_fields(model: type[models.Model], names: list[str]) -> list[str]:
    concrete = {field.name for field in model._meta.concrete_fields}
    return [name for name in names if name in concrete]


class AuditedAdmin(admin.ModelAdmin):
    """A model admin whose every save and delete is recorded in the audit trail."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = _stored_fields(type(obj), list(form.fields))
        before = snapshot(type(obj).objects.get(pk=obj.pk), fields) if change else {}
        super().save_model(request, obj, form, change)
        label = obj._meta.model_name
        if change:
            changes = diff(before, snapshot(obj, fields))
            if changes:
                record(actor=request.user, action=f"{label}.changed", obj=obj, changes=changes)
        else:
            record(actor=request.user, action=f"{label}.created", obj=obj, changes=created(obj, fields))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        record(actor=request.user, action=f"{obj._meta.model_name}.deleted", obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)
