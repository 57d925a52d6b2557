from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "governance.web"
    label = "web"

    def ready(self) -> None:
        # drf-spectacular's extensions register when their module is imported.
        from governance.api import schema  # noqa: F401
