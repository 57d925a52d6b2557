"""Human case references: ``CT-2026-00001`` (contests), ``AP-`` (appeals), ``RR-``
(re-reviews), ``EN-`` (enforcement). Sequential per prefix and year, unique under
concurrency: the counter row is locked for the rest of the caller's transaction."""

from django.db import IntegrityError, transaction
from django.db.models import F

from governance.cases.models import CaseCounter


def next_reference(prefix: str, year: int) -> str:
    with transaction.atomic():
        updated = CaseCounter.objects.filter(prefix=prefix, year=year).update(last=F("last") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    CaseCounter.objects.create(prefix=prefix, year=year, last=1)
            except IntegrityError:
                # Another transaction created the row first; take the next number after it.
                CaseCounter.objects.filter(prefix=prefix, year=year).update(last=F("last") + 1)
        number = CaseCounter.objects.get(prefix=prefix, year=year).last
    return f"{prefix}-{year}-{number:05d}"
