from django.apps import AppConfig


class BaselinesConfig(AppConfig):
    name = "governance.baselines"
    label = "baselines"
