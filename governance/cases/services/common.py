"""What every case transition shares: the transition tables, conflict checks, files."""

from collections.abc import Iterable
from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile

from governance.cases.models import CaseFile, ConflictOfInterest
from governance.notifications.services import notify
from governance.platform.uploads import check_upload
from governance.registry.roles import is_adjudicator, organization_id_of


class Determine(Protocol):
    """Writes the determination a case decides (given by the workflow that decides the case)."""

    def __call__(self, *, model: Any, tier: int, kind: str, rationale: str, by: Any) -> Any: ...


CONTEST_TRANSITIONS = "contest"
APPEAL_TRANSITIONS = "appeal"
REREVIEW_TRANSITIONS = "rereview"


def is_conflicted(user: Any, organization_id: int) -> bool:
    """Members of the organisation and regulators who declared a conflict with it."""
    if organization_id_of(user) == organization_id:
        return True
    return ConflictOfInterest.objects.filter(regulator=user, organization_id=organization_id).exists()


def eligible_adjudicator(user: Any, organization_id: int) -> bool:
    return user is not None and user.is_active and is_adjudicator(user) and not is_conflicted(user, organization_id)


def tell_replaced(
    previous_id: int, *, case: Any, noun: str, successor: str, awaiting: str, event: str, link: str
) -> None:
    """Tell whoever a case was taken from (an adjudicator, an assignee) that it no longer awaits them."""
    notify(
        recipients=[get_user_model().objects.get(pk=previous_id)],
        event=event,
        subject=f"{case.reference}: reassigned",
        body=f"The {noun} was reassigned to {successor}; it no longer awaits {awaiting}.",
        obj=case,
        link=link,
    )


def attach_files(files: Iterable[UploadedFile], *, by: Any, contest=None, appeal=None) -> list[CaseFile]:
    """Check every file first (413 / 400), then store them; nothing is stored if one fails."""
    files = list(files)
    checked = [check_upload(upload) for upload in files]
    return [
        CaseFile.objects.create(
            contest=contest,
            appeal=appeal,
            file=upload,
            name=info.name,
            sha256=info.sha256,
            size=info.size,
            content_type=info.content_type,
            uploaded_by=by,
        )
        for upload, info in zip(files, checked, strict=True)
    ]
