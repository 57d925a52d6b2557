from celery import shared_task

from governance.platform.jobs import SEND_QUEUED_JOBS, send_queued


@shared_task(name=SEND_QUEUED_JOBS, acks_late=True)
def send_queued_jobs() -> int:
    """Every minute: send the jobs that a broker failure left in the outbox."""
    return send_queued()
