from django.urls import include, path

from governance.web.views import cases, dashboard, dossier, work

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("models/new/", dossier.register_model, name="model-new"),
    path("models/<int:pk>/", dossier.dossier, name="model-detail"),
    path("models/<int:pk>/revalidate/", dossier.revalidate, name="model-revalidate"),
    path("models/<int:pk>/own-motion/", dossier.own_motion, name="model-own-motion"),
    path("models/<int:pk>/contest/", dossier.file_contest, name="model-contest"),
    path(
        "determinations/<int:pk>/<str:action>/",
        dossier.resolve_relaxation,
        name="determination-resolve",
    ),
    path("evaluations/", work.evaluations, name="evaluations"),
    path("evaluations/<int:pk>/<str:action>/", work.evaluation_action, name="evaluation-action"),
    path("contests/<int:pk>/", cases.contest_detail, name="contest-detail"),
    path("contests/<int:pk>/<str:action>/", cases.contest_action, name="contest-action"),
    path("appeals/<int:pk>/", cases.appeal_detail, name="appeal-detail"),
    path("appeals/<int:pk>/<str:action>/", cases.appeal_action, name="appeal-action"),
    path("re-reviews/<int:pk>/", cases.rereview_detail, name="rereview-detail"),
    path("re-reviews/<int:pk>/<str:action>/", cases.rereview_action, name="rereview-action"),
    path("threshold-sets/", work.threshold_sets, name="threshold-sets"),
    path("threshold-sets/<int:pk>/", work.threshold_detail, name="threshold-detail"),
    path("threshold-sets/<int:pk>/<str:action>/", work.threshold_action, name="threshold-action"),
    path("consultations/", work.consultations, name="consultations"),
    path("accreditations/", work.accreditations_page, name="accreditations"),
    path("benchmarks/", work.benchmarks_page, name="benchmarks"),
    path("accreditations/<int:pk>/<str:action>/", work.accreditation_action, name="accreditation-action"),
    path("obligations/<int:pk>/", work.obligation_detail, name="obligation-detail"),
    path("submissions/<int:pk>/review/", work.review_submission, name="submission-review"),
    path("audit/", work.audit_trail, name="audit"),
    path("inbox/", work.inbox, name="notifications"),
    path("inbox/<int:pk>/read/", work.read_notification, name="notification-read"),
]
