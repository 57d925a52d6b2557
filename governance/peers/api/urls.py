from django.urls import include, path
from rest_framework.routers import SimpleRouter

from governance.peers.api import views

router = SimpleRouter()
router.register("peers", views.PeerViewSet, basename="peer")

urlpatterns = [
    path("peer-determinations/", views.PeerDeterminationListView.as_view(), name="peer-determinations"),
    path("divergences/", views.DivergenceListView.as_view(), name="divergences"),
    path("", include(router.urls)),
]
