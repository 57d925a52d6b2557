from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "governance.cases"
    label = "cases"
