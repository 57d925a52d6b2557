"""Human case references: ``CT-2026-00001`` (contests), ``AP-`` (appeals), ``RR-``
(re-reviews), ``EN-`` (enforcement). Sequential per prefix and year, unique under
concurrency: the counter row is locked for the rest of the caller's transaction."""

from django.db import IntegrityError, transaction
from django.db.models import F

from governance.cases.models import CaseCounter


def next_reference(prefix: str, year: int) -> str:
    return reserve_references(prefix, year, 1)[0]


def reserve_references(prefix: str, year: int, count: int) -> list[str]:
    """The next ``count`` references of ``prefix`` and ``year``, in order, in one update."""
    if count < 1:
        return []
    with transaction.atomic():
        updated = CaseCounter.objects.filter(prefix=prefix, year=year).update(last=F("last") + count)
        if not updated:
            try:
                with transaction.atomic():
                    CaseCounter.objects.create(prefix=prefix, year=year, last=count)
            except IntegrityError:
                # Another transaction created the row first; take the numbers after it.
                CaseCounter.objects.filter(prefix=prefix, year=year).update(last=F("last") + count)
        last = CaseCounter.objects.get(prefix=prefix, year=year).last
    return [f"{prefix}-{year}-{number:05d}" for number in range(last - count + 1, last + 1)]
