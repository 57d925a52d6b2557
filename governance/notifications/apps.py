from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NotificationsConfig(AppConfig):
    name = "governance.notifications"
    label = "notifications"

    def ready(self) -> None:
        from governance.platform.schedules import install_default_schedules

        # Installed once the beat tables exist; get_or_create keeps administrators' edits.
        post_migrate.connect(install_default_schedules, sender=self)
