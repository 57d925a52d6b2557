from django.urls import include, path
from rest_framework.routers import SimpleRouter

from governance.evidence.api import views
from governance.evidence.api.imports import EvaluationImportView

router = SimpleRouter()
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")

urlpatterns = [
    path("evaluations/import/", EvaluationImportView.as_view(), name="evaluation-import"),
    path("", include(router.urls)),
]
