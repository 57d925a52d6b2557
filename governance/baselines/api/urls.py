from django.urls import include, path
from rest_framework.routers import SimpleRouter

from governance.baselines.api import views
from governance.baselines.api.impact import ImpactView

router = SimpleRouter()
router.register("threshold-sets", views.ThresholdSetViewSet, basename="threshold-set")
router.register("consultations", views.ConsultationViewSet, basename="consultation")

urlpatterns = [
    path("threshold-sets/<int:pk>/impact/", ImpactView.as_view(), name="threshold-set-impact"),
    path("", include(router.urls)),
]
