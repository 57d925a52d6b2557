from rest_framework.routers import SimpleRouter

from governance.determinations.api import views

router = SimpleRouter()
router.register("determinations", views.DeterminationViewSet, basename="determination")

urlpatterns = router.urls
