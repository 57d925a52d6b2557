from django.urls import path

from governance.register.api import views

urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register-api"),
    path("register/evaluators/", views.RegisterEvaluatorsView.as_view(), name="register-evaluators-api"),
    path("register.csv", views.RegisterCsvView.as_view(), name="register-csv"),
    path("register.atom", views.RegisterAtomView.as_view(), name="register-atom"),
]
