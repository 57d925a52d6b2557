from rest_framework.routers import SimpleRouter

from governance.determinations.api import views

router = SimpleRouter()
router.register("determinations", views.DeterminationViewSet, basename="determination")
router.register("revalidation-runs", views.RevalidationRunViewSet, basename="revalidation-run")

urlpatterns = router.urls
