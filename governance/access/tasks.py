from celery import shared_task
from django.db import OperationalError

from governance.access.services import expire_due
from governance.access.signup import send_confirmation
from governance.platform.jobs import SEND_SIGNUP_CONFIRMATION


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def expire_access_grants() -> int:
    """Hourly: Tier 3 grants past their expiry date expire (SPEC 21); repeated until none are left."""
    total = 0
    while expired := expire_due():
        total += expired
    return total


@shared_task(name=SEND_SIGNUP_CONFIRMATION, acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_signup_confirmation(user_id: int) -> bool:
    """The confirmation e-mail of a sign-up, sent after the account is committed."""
    return send_confirmation(user_id=user_id)
