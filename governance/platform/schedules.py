"""The default periodic jobs of SPEC section 17, installed in django-celery-beat's tables
after every migration (editable by administrators afterwards; never overwritten)."""

from typing import Any

DEFAULT_SCHEDULES = [
    # (name, task, every N minutes)
    ("Activate threshold sets", "governance.baselines.tasks.activate_threshold_sets", 5),
    ("Open due re-reviews", "governance.cases.tasks.open_due_rereviews", 60),
    ("Compliance sweep", "governance.compliance.tasks.compliance_sweep", 60),
    ("Case deadline sweep", "governance.cases.tasks.case_deadline_sweep", 60),
    ("Read peer registers", "governance.peers.tasks.read_peer_registers", 360),
    ("Expire access grants", "governance.access.tasks.expire_access_grants", 60),
    ("Send queued jobs", "governance.platform.tasks.send_queued_jobs", 1),
    ("Resend unsent notification e-mails", "governance.notifications.tasks.send_pending_emails", 15),
    ("Expire accreditations", "governance.registry.tasks.expire_accreditations_task", 24 * 60),
    ("Close due consultations", "governance.baselines.tasks.close_due_consultations", 15),
]


def install_default_schedules(**kwargs: Any) -> None:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    for name, task, minutes in DEFAULT_SCHEDULES:
        interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period=IntervalSchedule.MINUTES)
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})
