from django.urls import include, path
from rest_framework.routers import SimpleRouter

from governance.registry.api import views

router = SimpleRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("risk-domains", views.RiskDomainViewSet, basename="risk-domain")
router.register("benchmarks", views.BenchmarkViewSet, basename="benchmark")
router.register("models", views.AIModelViewSet, basename="model")
router.register("auth/tokens", views.ApiTokenViewSet, basename="api-token")
router.register("accreditations", views.AccreditationViewSet, basename="accreditation")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("", include(router.urls)),
]
