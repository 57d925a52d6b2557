from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "governance.registry"
    label = "registry"

    def ready(self) -> None:
        from governance.platform import lookups  # noqa: F401  (registers ``__any``)
