from django.urls import path

from governance.register import views

urlpatterns = [
    path("register/", views.register_page, name="register"),
    path("register/evaluators/", views.evaluators_page, name="register-evaluators"),
]
