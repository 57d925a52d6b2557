from rest_framework.routers import SimpleRouter

from governance.compliance.api import views

router = SimpleRouter()
router.register("obligations", views.ObligationViewSet, basename="obligation")
router.register("compliance-submissions", views.SubmissionViewSet, basename="compliance-submission")
router.register("enforcement-cases", views.EnforcementViewSet, basename="enforcement-case")

urlpatterns = router.urls
