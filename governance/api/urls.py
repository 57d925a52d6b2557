"""``/api/v1/``: each app contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    # Before the registry: ``models/import-card/`` would otherwise match a model's detail route.
    path("", include("governance.access.api.urls")),
    path("", include("governance.registry.api.urls")),
    path("", include("governance.evidence.api.urls")),
    path("", include("governance.baselines.api.urls")),
    path("", include("governance.determinations.api.urls")),
    path("", include("governance.cases.api.urls")),
    path("", include("governance.compliance.api.urls")),
    path("", include("governance.audit.api.urls")),
    path("", include("governance.notifications.api.urls")),
    path("", include("governance.register.api.urls")),
    path("", include("governance.peers.api.urls")),
]
