from celery import shared_task
from django.db import OperationalError

from governance.workflows.peers import read_all_peers


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def read_peer_registers() -> dict[str, int]:
    """Every six hours: read each peer's register (SPEC 23)."""
    return read_all_peers()
