from django.apps import AppConfig


class PlatformConfig(AppConfig):
    """The infrastructure app: it holds one table, the job outbox (``platform.models``)."""

    name = "governance.platform"
    label = "platform"
