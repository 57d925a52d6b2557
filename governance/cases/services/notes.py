"""Internal notes on a case (issue 15): staff only, audited, append-only."""

from typing import Any

from django.db import models, transaction

from governance.audit.services import record
from governance.cases.models import NOTE_ACTION, NOTE_MAX_LENGTH, InternalNote
from governance.platform.errors import Invalid, NotAllowed
from governance.registry.roles import writes_internal_notes

# The kinds of case a note may be added to, named as audit events name them.
NOTED_CASES = frozenset({"cases.contest", "cases.appeal", "cases.rereview", "compliance.enforcementcase"})


def add_note(*, case: models.Model, by: Any, text: str) -> InternalNote:
    """Add a staff-only note to ``case``. The audit event is recorded on the case with the
    note's text and no organisation, so the developer's audit trail never carries it."""
    if not writes_internal_notes(by):
        raise NotAllowed("Only the regulator's staff add internal notes; auditors read them.")
    case_type = case._meta.label_lower
    if case_type not in NOTED_CASES:
        raise Invalid(fields={"case": [f"Notes are not kept on {case._meta.verbose_name} records."]})
    text = (text or "").strip()
    if not text:
        raise Invalid(fields={"text": ["A note needs some text."]})
    if len(text) > NOTE_MAX_LENGTH:
        raise Invalid(fields={"text": [f"A note is at most {NOTE_MAX_LENGTH} characters; this one has {len(text)}."]})
    with transaction.atomic():
        note = InternalNote.objects.create(case_type=case_type, case_id=case.pk, author=by, text=text)
        record(
            actor=by,
            action=NOTE_ACTION,
            obj=case,
            changes={"note": [None, note.pk], "text": [None, text]},
            organization_id=None,
        )
    return note
