"""Threshold sets: drafting, publishing and putting in force (SPEC section 8)."""

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from governance.audit.services import created, diff, jsonable, record
from governance.baselines.models import ThresholdEntry, ThresholdSet
from governance.platform.errors import IllegalTransition, Invalid, NotAllowed, full_clean_or_invalid
from governance.platform.jobs import REVALIDATE_ALL, enqueue
from governance.registry.models import RiskDomain
from governance.registry.roles import BOARD, has_role

SET_FIELDS = ("version", "issuing_body", "rationale", "status", "effective_from")
FOUR_PLACES = Decimal("0.0001")
# Tolerance for "now" sent by a client whose clock is slightly behind ours.
PUBLISH_CLOCK_SKEW = timedelta(minutes=5)


def _require_board(user: Any) -> None:
    if not has_role(user, BOARD):
        raise NotAllowed("Only the threshold board drafts and publishes threshold sets.")


def _threshold(value: Any, name: str, errors: list[str]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors.append(f"{name} must be a decimal number.")
        return None
    if not number.is_finite() or number < 0 or number > 1:
        errors.append(f"{name} must lie in [0, 1].")
        return None
    if number != number.quantize(FOUR_PLACES):
        errors.append(f"{name} has more than 4 decimal places.")
        return None
    return number.quantize(FOUR_PLACES)


def validate_entries(entries: Iterable[Mapping[str, Any]]) -> list[tuple[RiskDomain, Decimal, Decimal, Decimal | None]]:
    """Check entries against section 3: ``low < high``; catastrophic domains need
    ``critical >= high``; other domains have none; one entry per domain."""
    entries = list(entries)
    if not entries:
        raise Invalid(fields={"entries": ["A threshold set needs at least one entry."]})
    domains = {d.slug: d for d in RiskDomain.objects.all()}
    cleaned, problems, seen = [], [], set()
    for index, entry in enumerate(entries):
        errors: list[str] = []
        slug = entry.get("domain")
        domain = domains.get(slug) if isinstance(slug, str) else None
        if domain is None:
            errors.append(f"Unknown risk domain {slug!r}.")
        elif slug in seen:
            errors.append(f"Domain {slug!r} appears twice.")
        seen.add(slug)
        low = _threshold(entry.get("low"), "low", errors)
        high = _threshold(entry.get("high"), "high", errors)
        critical = _threshold(entry.get("critical"), "critical", errors)
        if low is None and "low" not in " ".join(errors):
            errors.append("low is required.")
        if high is None and "high" not in " ".join(errors):
            errors.append("high is required.")
        if low is not None and high is not None and not low < high:
            errors.append("low must be below high.")
        if domain is not None:
            if domain.catastrophic and critical is None and entry.get("critical") in (None, ""):
                errors.append(f"{domain.slug} is catastrophic: critical is required.")
            if not domain.catastrophic and entry.get("critical") not in (None, ""):
                errors.append(f"{domain.slug} is not catastrophic: it has no critical threshold.")
        if critical is not None and high is not None and critical < high:
            errors.append("critical must be at least high.")
        if errors:
            problems.append(f"entries[{index}]: " + " ".join(errors))
        else:
            cleaned.append((domain, low, high, critical))
    if problems:
        raise Invalid(fields={"entries": problems})
    return cleaned


def _write_entries(threshold_set: ThresholdSet, entries: Iterable[Mapping[str, Any]]) -> list[dict]:
    cleaned = validate_entries(entries)
    threshold_set.entries.all().delete()
    ThresholdEntry.objects.bulk_create(
        ThresholdEntry(threshold_set=threshold_set, domain=d, low=lo, high=hi, critical=cr) for d, lo, hi, cr in cleaned
    )
    return jsonable([{"domain": d.slug, "low": lo, "high": hi, "critical": cr} for d, lo, hi, cr in cleaned])


def entries_snapshot(threshold_set: ThresholdSet) -> list[dict]:
    return jsonable(
        [
            {"domain": e.domain.slug, "low": e.low, "high": e.high, "critical": e.critical}
            for e in threshold_set.entries.select_related("domain").order_by("domain__slug")
        ]
    )


def create_draft(
    *, by: Any, version: str, entries: Iterable[Mapping[str, Any]], issuing_body: str = "", rationale: str = ""
) -> ThresholdSet:
    _require_board(by)
    with transaction.atomic():
        threshold_set = ThresholdSet(version=version, issuing_body=issuing_body, rationale=rationale, created_by=by)
        full_clean_or_invalid(threshold_set)
        threshold_set.save()
        written = _write_entries(threshold_set, entries)
        changes = created(threshold_set, SET_FIELDS)
        changes["entries"] = [None, written]
        record(actor=by, action="threshold_set.drafted", obj=threshold_set, changes=changes)
    return threshold_set


def update_draft(
    *, by: Any, threshold_set: ThresholdSet, entries: Iterable[Mapping[str, Any]] | None = None, **data: Any
) -> ThresholdSet:
    _require_board(by)
    allowed = {"version", "issuing_body", "rationale"}
    unknown = set(data) - allowed
    if unknown:
        raise Invalid(fields={name: ["This field cannot be changed here."] for name in sorted(unknown)})
    with transaction.atomic():
        locked = ThresholdSet.objects.select_for_update().get(pk=threshold_set.pk)
        if locked.status != ThresholdSet.Status.DRAFT:
            raise IllegalTransition("Published threshold sets are immutable.")
        before = {name: getattr(locked, name) for name in allowed}
        before["entries"] = entries_snapshot(locked)
        for name, value in data.items():
            setattr(locked, name, value)
        full_clean_or_invalid(locked)
        locked.save()
        after = {name: getattr(locked, name) for name in allowed}
        after["entries"] = _write_entries(locked, entries) if entries is not None else before["entries"]
        changes = diff(jsonable(before), jsonable(after))
        if changes:
            record(actor=by, action="threshold_set.updated", obj=locked, changes=changes)
    return locked


def publish(*, by: Any, threshold_set: ThresholdSet, effective_from: datetime | None = None) -> ThresholdSet:
    """Publish a draft. Effective now (or in the past) → in force at once; later → the
    periodic activation job puts it in force when its time comes."""
    _require_board(by)
    now = timezone.now()
    effective_from = effective_from or now
    if effective_from < now - PUBLISH_CLOCK_SKEW:
        raise Invalid(fields={"effective_from": ["A threshold set cannot take effect in the past."]})
    with transaction.atomic():
        locked = ThresholdSet.objects.select_for_update().get(pk=threshold_set.pk)
        if locked.status != ThresholdSet.Status.DRAFT:
            raise IllegalTransition(
                f"Only a draft can be published; this set is {locked.get_status_display().lower()}."
            )
        if not locked.entries.exists():
            raise Invalid(fields={"entries": ["A threshold set needs at least one entry."]})
        locked.status = ThresholdSet.Status.PUBLISHED
        locked.effective_from = max(effective_from, now)
        locked.published_at = now
        locked.published_by = by
        locked.save(update_fields=["status", "effective_from", "published_at", "published_by"])
        record(
            actor=by,
            action="threshold_set.published",
            obj=locked,
            changes={"status": ["draft", "published"], "effective_from": [None, jsonable(locked.effective_from)]},
        )
        if locked.effective_from <= now:
            _put_in_force(locked, actor=by)
    return locked


def _put_in_force(threshold_set: ThresholdSet, *, actor: Any) -> None:
    previous = ThresholdSet.objects.select_for_update().filter(status=ThresholdSet.Status.IN_FORCE).first()
    if previous is not None:
        ThresholdSet.objects.filter(pk=previous.pk).update(status=ThresholdSet.Status.SUPERSEDED)
        record(
            actor=actor, action="threshold_set.superseded", obj=previous, changes={"status": ["in_force", "superseded"]}
        )
    ThresholdSet.objects.filter(pk=threshold_set.pk).update(status=ThresholdSet.Status.IN_FORCE)
    threshold_set.status = ThresholdSet.Status.IN_FORCE
    record(
        actor=actor, action="threshold_set.in_force", obj=threshold_set, changes={"status": ["published", "in_force"]}
    )
    enqueue(REVALIDATE_ALL, threshold_set.pk)


def activate_due_sets(*, now: datetime | None = None) -> ThresholdSet | None:
    """Put in force the latest published set whose time has come (the periodic job).

    Earlier due sets that were overtaken before activation are superseded unactivated.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            ThresholdSet.objects.select_for_update()
            .filter(status=ThresholdSet.Status.PUBLISHED, effective_from__lte=now)
            .order_by("effective_from", "id")
        )
        if not due:
            return None
        latest = due[-1]
        for overtaken in due[:-1]:
            ThresholdSet.objects.filter(pk=overtaken.pk).update(status=ThresholdSet.Status.SUPERSEDED)
            record(
                actor=None,
                action="threshold_set.superseded",
                obj=overtaken,
                changes={"status": ["published", "superseded"]},
            )
        _put_in_force(latest, actor=None)
        return latest
