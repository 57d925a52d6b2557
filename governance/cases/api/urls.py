from rest_framework.routers import SimpleRouter

from governance.cases.api import views

router = SimpleRouter()
router.register("contests", views.ContestViewSet, basename="contest")
router.register("appeals", views.AppealViewSet, basename="appeal")
router.register("re-reviews", views.ReReviewViewSet, basename="re-review")
router.register("conflicts", views.ConflictViewSet, basename="conflict")
router.register("case-files", views.CaseFileViewSet, basename="case-file")

urlpatterns = router.urls
