"""What every case transition shares: the transition tables, conflict checks, files."""

from collections.abc import Iterable
from typing import Any, Protocol

from django.core.files.uploadedfile import UploadedFile

from governance.cases.models import CaseFile, ConflictOfInterest
from governance.platform.errors import IllegalTransition
from governance.platform.uploads import check_upload
from governance.registry.roles import is_adjudicator, organization_id_of


class Determine(Protocol):
    """Writes the determination a case decides (given by the workflow that decides the case)."""

    def __call__(self, *, model: Any, tier: int, kind: str, rationale: str, by: Any) -> Any: ...


# action → (states it may start from, state it leads to); None keeps the state.
CONTEST_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "assign": (frozenset({"filed", "under_review"}), "under_review"),
    "request_information": (frozenset({"under_review"}), "awaiting_information"),
    "provide_information": (frozenset({"awaiting_information"}), "under_review"),
    "decide": (frozenset({"under_review"}), "decided"),
    "dismiss": (frozenset({"filed"}), "dismissed"),
    "withdraw": (frozenset({"filed", "under_review", "awaiting_information"}), "withdrawn"),
}
APPEAL_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "assign_panel": (frozenset({"filed"}), "panel_assigned"),
    "schedule_hearing": (frozenset({"panel_assigned", "hearing_scheduled"}), "hearing_scheduled"),
    "vote": (frozenset({"hearing_scheduled"}), None),
    "withdraw": (frozenset({"filed", "panel_assigned", "hearing_scheduled"}), "withdrawn"),
}
REREVIEW_TRANSITIONS: dict[str, tuple[frozenset[str], str | None]] = {
    "start": (frozenset({"scheduled", "open"}), "in_progress"),
    "complete": (frozenset({"open", "in_progress"}), "completed"),
    "cancel": (frozenset({"scheduled", "open", "in_progress"}), "cancelled"),
}


def target_state(table: dict, action: str, state: str, label: str) -> str:
    """The state ``action`` leads to from ``state``, or 409 if it is not allowed there."""
    sources, target = table[action]
    if state not in sources:
        readable = action.replace("_", " ")
        raise IllegalTransition(f"Cannot {readable} a {label} that is {state.replace('_', ' ')}.")
    return target or state


def is_conflicted(user: Any, organization_id: int) -> bool:
    """Members of the organisation and regulators who declared a conflict with it."""
    if organization_id_of(user) == organization_id:
        return True
    return ConflictOfInterest.objects.filter(regulator=user, organization_id=organization_id).exists()


def eligible_adjudicator(user: Any, organization_id: int) -> bool:
    return user is not None and user.is_active and is_adjudicator(user) and not is_conflicted(user, organization_id)


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
