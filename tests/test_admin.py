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


def test_an_admin_rename_is_audited_and_reaches_the_register_at_once(staff, world):
    """Every change writes an audit event (SPEC 12), so the cached register keyed by the
    chain head shows a rename made in the admin on the next read."""
    assert world.aurora.name in Client().get("/register/").content.decode()
    change = reverse("admin:registry_organization_change", args=[world.aurora.pk])
    before = world.aurora.jurisdiction
    response = staff.post(change, {"name": "Aurora Research", "jurisdiction": "GB"})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="organization.changed").get()
    assert event.changes == {"name": ["Aurora Labs", "Aurora Research"], "jurisdiction": [before, "GB"]}
    assert event.actor_label == "root"
    assert "Aurora Research" in Client().get("/register/").content.decode()


def test_accreditation_and_benchmark_flags_cannot_be_changed_in_the_admin(staff, world):
    change = reverse("admin:registry_organization_change", args=[world.meridian.pk])
    staff.post(change, {"name": world.meridian.name, "jurisdiction": "", "accredited": ""})
    world.meridian.refresh_from_db()
    assert world.meridian.accredited is True
    bench = world.benchmarks["bio"]
    page = staff.get(reverse("admin:registry_benchmark_change", args=[bench.pk]))
    assert page.status_code == 200 and b'name="standardized"' not in page.content


def test_a_conflict_declared_in_the_admin_goes_through_the_service(staff, world):
    add = reverse("admin:cases_conflictofinterest_add")
    refused = staff.post(add, {"regulator": world.regulator.pk, "organization": world.aurora.pk, "note": "x"})
    assert refused.status_code == 200 and "Only regulators record declarations" in refused.content.decode()
    assert not AuditEvent.objects.filter(action="conflict.declared").exists()
    root = get_user_model().objects.get(username="root")
    root.groups.add(*world.regulator.groups.all())
    response = staff.post(
        add, {"regulator": world.regulator.pk, "organization": world.aurora.pk, "note": "Ex-employee"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="conflict.declared").count() == 1


def test_a_membership_set_in_the_admin_is_audited(staff, world):
    user = get_user_model().objects.create_user("newdev", "n@example.org", "x")
    change = reverse("admin:auth_user_change", args=[user.pk])
    page = staff.get(change)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(
        {
            "username": "newdev",
            "date_joined_0": "2026-12-01",
            "date_joined_1": "10:00:00",
            "membership-TOTAL_FORMS": "1",
            "membership-INITIAL_FORMS": "0",
            "membership-MIN_NUM_FORMS": "0",
            "membership-MAX_NUM_FORMS": "1",
            "membership-0-organization": world.borealis.pk,
            "membership-0-user": user.pk,
            "is_active": "on",
        }
    )
    data.pop("last_login", None)
    data.pop("password", None)
    response = staff.post(change, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert user.membership.organization == world.borealis
    assert AuditEvent.objects.filter(action="user.membership_changed", object_id=str(user.pk)).get().changes == {
        "organization": [None, world.borealis.pk]
    }
