"""The admin for every model: lists with search and filters render, and immutable records
cannot be added, changed or deleted there."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from governance.audit.models import AuditEvent
from governance.determinations.models import Determination

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(world):
    model = world.register("Aster")
    world.evidence(model, "bio", "0.6000")
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client = Client()
    client.force_login(user)
    return client


def test_every_project_model_is_in_the_admin_and_its_pages_render(staff):
    project_models = [m for m in admin.site._registry if m.__module__.startswith("governance.")]
    inlined = {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    missing = {m.__name__ for m in apps.get_models() if m.__module__.startswith("governance.")} - {
        m.__name__ for m in [*project_models, *inlined]
    }
    assert not missing, f"not in the admin: {missing}"
    for model in project_models:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        model_admin = admin.site._registry[model]
        response = staff.get(changelist, {"q": "a"} if model_admin.search_fields else {})
        assert response.status_code == 200, changelist
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert staff.get(change).status_code == 200, change


@pytest.mark.parametrize("model", [AuditEvent, Determination])
def test_immutable_records_are_read_only(staff, model):
    obj = model.objects.first()
    meta = model._meta
    assert staff.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403
    delete = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    assert staff.post(change, {}).status_code == 403
