from django.urls import include, path
from rest_framework.routers import SimpleRouter

from governance.access.api import views

router = SimpleRouter()
router.register("access-requests", views.AccessRequestViewSet, basename="access-request")
router.register("access-grants", views.AccessGrantViewSet, basename="access-grant")

urlpatterns = [
    path("access/check/", views.AccessCheckView.as_view(), name="access-check"),
    path("access-register/", views.AccessRegisterView.as_view(), name="access-register"),
    path("access-register.csv", views.AccessRegisterCsvView.as_view(), name="access-register-csv"),
    path("attestations/", views.AttestationListView.as_view(), name="attestations"),
    path("models/import-card/", views.ModelCardImportView.as_view(), name="model-import-card"),
    path("models/<int:pk>/gating/", views.GatingView.as_view(), name="model-gating"),
    path("", include(router.urls)),
]
