from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "governance.register"
    label = "register"
