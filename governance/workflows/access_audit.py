"""The Tier 3 obligation ``access_register_audit`` reviewed against the access register
(SPEC 9 and 21): a submission for a period generated from the register itself, so that what
the compliance officer reviews is what the gate recorded."""

import json
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from governance.access import exports
from governance.access.models import RegisterEntry
from governance.compliance.models import ComplianceSubmission, Obligation
from governance.compliance.services import submit_evidence
from governance.platform.errors import Invalid
from governance.tiering.calendar import add_months

KIND = "access_register_audit"


def period_start(obligation: Obligation, period_end: date) -> date:
    """The day after the previous period ended: ``period_months`` before ``period_end``."""
    return add_months(period_end, -(obligation.period_months or 3)) + timedelta(days=1)


def submit_register_audit(
    *, by: Any, obligation: Obligation, period_end: date, since: date | None = None
) -> ComplianceSubmission:
    """Submit the register's entries for the model from ``since`` (default: the period's
    first day) to ``period_end``, inclusive, as a CSV file with a summary in the notes."""
    if obligation.kind != KIND:
        raise Invalid(fields={"obligation": [f"Only an {KIND} obligation is reviewed against the access register."]})
    since = since or period_start(obligation, period_end)
    if since > period_end:
        raise Invalid(fields={"since": ["The period starts after it ends."]})
    tz = timezone.get_current_timezone()
    entries = RegisterEntry.objects.filter(
        model_id=obligation.model_id,
        at__gte=datetime.combine(since, time.min, tz),
        at__lt=datetime.combine(period_end + timedelta(days=1), time.min, tz),
    ).order_by("at", "id")
    counts = exports.summary(entries.values_list("kind", "allowed"))
    name = f"access-register-{obligation.model_id}-{since.isoformat()}-{period_end.isoformat()}.csv"
    upload = SimpleUploadedFile(name, exports.csv_text(entries).encode(), content_type="text/csv")
    notes = f"Generated from the access register for {since.isoformat()} to {period_end.isoformat()}: " + json.dumps(
        counts, sort_keys=True
    )
    return submit_evidence(by=by, obligation=obligation, period_end=period_end, notes=notes, files=[upload])
