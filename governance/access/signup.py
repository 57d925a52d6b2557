"""Requesters' accounts (SPEC 21): anyone signs up, confirms the e-mail address by a signed
link, and keeps a profile (legal name, country, optional research affiliation)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from governance.access.models import RequesterProfile
from governance.audit.services import record
from governance.platform.countries import is_country
from governance.platform.errors import Conflict, Invalid
from governance.platform.jobs import SEND_SIGNUP_CONFIRMATION, enqueue
from governance.registry.models import Organization
from governance.registry.roles import REQUESTER

SALT = "aperture.signup"


def _clean_profile(legal_name: str, country: str, affiliation: Organization | None) -> tuple[str, str]:
    problems: dict[str, list[str]] = {}
    legal_name = (legal_name or "").strip()
    country = (country or "").strip().upper()
    if not legal_name:
        problems["legal_name"] = ["Your legal name is required."]
    if not is_country(country):
        problems["country"] = ["A country is its two-letter ISO 3166-1 code, e.g. DE."]
    if affiliation is not None and affiliation.kind != Organization.Kind.RESEARCH:
        problems["affiliation"] = ["An affiliation is a research organisation."]
    if problems:
        raise Invalid(fields=problems)
    return legal_name, country


def sign_up(
    *,
    username: str,
    email: str,
    password: str,
    legal_name: str,
    country: str,
    affiliation: Organization | None = None,
) -> Any:
    """An inactive account and its profile; the confirmation link goes out after commit."""
    User = get_user_model()
    legal_name, country = _clean_profile(legal_name, country, affiliation)
    email = (email or "").strip().lower()
    user = User(username=(username or "").strip(), email=email, is_active=False)
    try:
        user.full_clean(exclude=["password"])
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise Invalid(fields=getattr(error, "message_dict", None) or {"password": error.messages}) from error
    if not email:
        raise Invalid(fields={"email": ["An e-mail address is required to confirm the account."]})
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict("An account with this e-mail address exists; sign in or reset the password.")
    with transaction.atomic():
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get_or_create(name=REQUESTER)[0])
        profile = RequesterProfile.objects.create(
            user=user, legal_name=legal_name, country=country, affiliation=affiliation
        )
        record(
            actor=user,
            action="requester.signed_up",
            obj=profile,
            changes={
                "user": [None, user.pk],
                "country": [None, country],
                "affiliation": [None, profile.affiliation_id],
            },
        )
        enqueue(SEND_SIGNUP_CONFIRMATION, user.pk)
    return user


def send_confirmation(*, user_id: int) -> bool:
    """E-mail the signed confirmation link (the job of a sign-up; SMTP stays out of the
    request). Nothing is sent for an account that is already confirmed or gone."""
    profile = RequesterProfile.objects.select_related("user").filter(user_id=user_id).first()
    if profile is None or profile.email_confirmed_at is not None:
        return False
    link = f"{settings.SITE_URL}/accounts/confirm/{signing.dumps(user_id, salt=SALT)}/"
    send_mail(
        "Confirm your Aperture account",
        f"Open this link within {settings.SIGNUP_CONFIRM_DAYS} days to confirm your account:\n{link}\n",
        settings.DEFAULT_FROM_EMAIL,
        [profile.user.email],
    )
    return True


def confirm_email(*, token: str) -> Any:
    """Activate the account the signed link names; an expired or altered link is refused."""
    try:
        user_pk = signing.loads(token, salt=SALT, max_age=settings.SIGNUP_CONFIRM_DAYS * 86400)
    except signing.BadSignature as error:
        raise Invalid("This confirmation link is invalid or has expired; sign up again.") from error
    with transaction.atomic():
        profile = RequesterProfile.objects.select_for_update().select_related("user").filter(user_id=user_pk).first()
        if profile is None:
            raise Invalid("This confirmation link is invalid or has expired; sign up again.")
        if profile.email_confirmed_at is None:
            profile.email_confirmed_at = timezone.now()
            profile.save(update_fields=["email_confirmed_at"])
            profile.user.is_active = True
            profile.user.save(update_fields=["is_active"])
            record(
                actor=profile.user,
                action="requester.email_confirmed",
                obj=profile,
                changes={"is_active": [False, True]},
            )
    return profile.user


def update_profile(*, by: Any, legal_name: str, country: str, affiliation: Organization | None) -> RequesterProfile:
    """Create or change the caller's profile. A new affiliation applies to later requests."""
    legal_name, country = _clean_profile(legal_name, country, affiliation)
    with transaction.atomic():
        profile, made = RequesterProfile.objects.select_for_update().get_or_create(
            user=by, defaults={"legal_name": legal_name, "country": country, "affiliation": affiliation}
        )
        before = {"legal_name": profile.legal_name, "country": profile.country, "affiliation": profile.affiliation_id}
        profile.legal_name, profile.country, profile.affiliation = legal_name, country, affiliation
        profile.save()
        after = {"legal_name": legal_name, "country": country, "affiliation": profile.affiliation_id}
        changes = {k: [None if made else before[k], v] for k, v in after.items() if made or before[k] != v}
        if changes:
            record(actor=by, action="requester.profile_changed", obj=profile, changes=changes)
    return profile
