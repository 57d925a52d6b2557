"""Continuing compliance for Tier 3 and 4 models (SPEC section 9): obligations follow
the tier, developers submit evidence per period, compliance officers review it, and the
hourly sweep reminds, marks overdue and escalates to enforcement."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, NamedTuple

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from governance.audit.services import PendingEvent, created, created_from, record, record_many
from governance.cases.references import next_reference
from governance.cases.services.rereviews import open_rereview
from governance.compliance.models import (
    ComplianceSubmission,
    EnforcementCase,
    Obligation,
    ObligationTemplate,
    SubmissionFile,
)
from governance.notifications.services import members_of, notify, users_with_role
from governance.platform.bulk_insert import insert_rows_returning_ids
from governance.platform.errors import IllegalTransition, Invalid, NotAllowed
from governance.platform.uploads import check_upload
from governance.registry.models import AIModel
from governance.registry.roles import COMPLIANCE, REGULATOR, has_role, is_developer, organization_id_of
from governance.tiering.calendar import add_months

REMINDER_DAYS = (14, 3)
REMEDIATION_DAYS = 14
OVERDUE_PERIODS_BEFORE_ENFORCEMENT = 2


def reviews_compliance(user: Any) -> bool:
    """Compliance officers and regulators review submissions and open enforcement."""
    return has_role(user, COMPLIANCE, REGULATOR)


class _Live(NamedTuple):
    """A live obligation, as ``sync_obligations_many`` reads it."""

    pk: int
    model_id: int
    kind: str
    tier: int
    period_months: int | None
    status: str


def sync_obligations(*, model: AIModel, tier: int, actor: Any = None) -> None:
    """Entering Tier 3/4 creates the tier's obligations; leaving retires them (kept in
    history). An obligation both tiers share is kept only if its period is unchanged."""
    sync_obligations_many([(model, tier)], actor=actor)


def sync_obligations_many(changes: Iterable[tuple[AIModel, int]], *, actor: Any = None) -> None:
    """``sync_obligations`` for many models at once, in a constant number of queries."""
    changes = list(changes)
    if not changes:
        return
    today = timezone.localdate()
    now = timezone.now()
    templates: dict[int, dict[str, ObligationTemplate]] = defaultdict(dict)
    for template in ObligationTemplate.objects.filter(active=True, tier__gte=3):
        templates[template.tier][template.kind] = template
    # The live obligations as plain rows: a baseline shift reads thousands at once.
    live: dict[int, dict[str, _Live]] = defaultdict(dict)
    for row in (
        Obligation.objects.filter(model_id__any=[m.pk for m, _ in changes])
        .exclude(status=Obligation.Status.RETIRED)
        .values_list("pk", "model_id", "kind", "tier", "period_months", "status")
    ):
        obligation = _Live(*row)
        live[obligation.model_id][obligation.kind] = obligation
    retire: list[int] = []
    retag: dict[tuple[int, int], list[int]] = defaultdict(list)  # (tier, template) → obligation ids
    create: list[tuple[AIModel, ObligationTemplate, int]] = []  # (model, template, tier)
    events: list[PendingEvent] = []
    for model, tier in changes:
        wanted = templates[tier] if tier >= 3 else {}
        for kind, obligation in live[model.pk].items():
            shared = wanted.get(kind)
            if shared is not None and shared.period_months == obligation.period_months:
                if obligation.tier != tier:
                    retag[(tier, shared.pk)].append(obligation.pk)
                continue
            retire.append(obligation.pk)
            events.append(
                PendingEvent(
                    action="obligation.retired",
                    object_type=Obligation._meta.label_lower,
                    object_id=str(obligation.pk),
                    changes={"status": [obligation.status, "retired"], "tier": [obligation.tier, tier]},
                    organization_id=model.developer_id,
                )
            )
        for kind, template in wanted.items():
            kept = live[model.pk].get(kind)
            if kept is None or kept.period_months != template.period_months:
                create.append((model, template, tier))
    Obligation.objects.filter(pk__any=retire).update(status=Obligation.Status.RETIRED, retired_at=now)
    for (tier, template_id), ids in retag.items():
        Obligation.objects.filter(pk__any=ids).update(tier=tier, template_id=template_id)
    # Written as plain rows: a baseline shift creates tens of thousands at once.
    fields = ("model_id", "kind", "tier", "period_months", "grace_days", "next_due", "template_id")
    due = {months: add_months(today, months) if months else None for months in {t.period_months for _, t, _ in create}}
    values = [
        {
            "model": model.pk,
            "kind": template.kind,
            "tier": tier,
            "period_months": template.period_months,
            "grace_days": template.grace_days,
            "next_due": due[template.period_months],
        }
        for model, template, tier in create
    ]
    rows = [(*row.values(), template.pk) for row, (_, template, _) in zip(values, create, strict=True)]
    ids = insert_rows_returning_ids(Obligation, fields, rows)
    events += [
        PendingEvent(
            action="obligation.created",
            object_type=Obligation._meta.label_lower,
            object_id=str(pk),
            changes=created_from(row),
            organization_id=model.developer_id,
        )
        for pk, row, (model, _, _) in zip(ids, values, create, strict=True)
    ]
    if events:
        record_many(events, actor=actor)


def submit_evidence(
    *, by: Any, obligation: Obligation, period_end: date, notes: str = "", files: Iterable[UploadedFile] = ()
) -> ComplianceSubmission:
    if not (is_developer(by) and organization_id_of(by) == obligation.model.developer_id):
        raise NotAllowed("Only the model's developer organisation submits compliance evidence.")
    if obligation.status == Obligation.Status.RETIRED:
        raise IllegalTransition("This obligation has been retired.")
    files = list(files)
    checked = [check_upload(f) for f in files]
    with transaction.atomic():
        submission = ComplianceSubmission.objects.create(
            obligation=obligation, period_end=period_end, notes=notes, submitted_by=by
        )
        for upload, info in zip(files, checked, strict=True):
            SubmissionFile.objects.create(
                submission=submission,
                file=upload,
                name=info.name,
                sha256=info.sha256,
                size=info.size,
                content_type=info.content_type,
            )
        changes = created(submission, ("obligation", "period_end", "notes", "state"))
        if checked:
            changes["files"] = [None, [c.sha256 for c in checked]]
        record(
            actor=by,
            action="compliance_submission.submitted",
            obj=submission,
            changes=changes,
            organization_id=obligation.model.developer_id,
        )
        notify(
            recipients=users_with_role(COMPLIANCE),
            event="compliance_submitted",
            subject=f"{obligation.model}: {obligation.kind} evidence for {period_end.isoformat()} to review",
            obj=submission,
            link=f"/models/{obligation.model_id}/",
        )
    return submission


def review_submission(
    *, submission: ComplianceSubmission, by: Any, outcome: str, notes: str = ""
) -> ComplianceSubmission:
    """``accepted`` advances the due date one period; ``deficient`` sets a 14-day
    remediation; ``rejected`` changes nothing else. A submission on an obligation retired
    since (the model left its tier) is still reviewed, and the obligation stays retired:
    its review is on the record, but there is no period to advance and nothing to remedy."""
    if not reviews_compliance(by):
        raise NotAllowed("Only compliance officers and regulators review submissions.")
    if outcome not in ("accepted", "deficient", "rejected"):
        raise Invalid(fields={"outcome": ["The outcome is accepted, deficient or rejected."]})
    if outcome != "accepted" and not notes.strip():
        raise Invalid(fields={"notes": ["Say what is wrong with the submission."]})
    with transaction.atomic():
        submission = (
            ComplianceSubmission.objects.select_for_update(of=("self",))
            .select_related("obligation__model")
            .get(pk=submission.pk)
        )
        if submission.state != ComplianceSubmission.State.SUBMITTED:
            raise IllegalTransition(f"This submission was already reviewed ({submission.state}).")
        obligation = Obligation.objects.select_for_update().get(pk=submission.obligation_id)
        submission.state = outcome
        submission.reviewed_by = by
        submission.reviewed_at = timezone.now()
        submission.review_notes = notes
        submission.save(update_fields=["state", "reviewed_by", "reviewed_at", "review_notes"])
        before = {"next_due": obligation.next_due, "status": obligation.status}
        if obligation.status != Obligation.Status.RETIRED:
            _apply_review(obligation, outcome)
        record(
            actor=by,
            action=f"compliance_submission.{outcome}",
            obj=submission,
            changes={
                "state": ["submitted", outcome],
                "next_due": [before["next_due"], obligation.next_due],
                "remediation_due": [None, obligation.remediation_due],
            },
            organization_id=obligation.model.developer_id,
        )
        notify(
            recipients=members_of(obligation.model.developer_id),
            event="compliance_reviewed",
            subject=f"{obligation.model}: {obligation.kind} evidence {outcome}",
            body=notes,
            obj=submission,
            link=f"/models/{obligation.model_id}/",
        )
    return submission


def _apply_review(obligation: Obligation, outcome: str) -> None:
    if outcome == "accepted":
        if obligation.period_months and obligation.next_due:
            obligation.next_due = add_months(obligation.next_due, obligation.period_months)
        # Evidence accepted late for a missed period leaves the later periods still owed.
        still_missed = len(missed_due_dates(obligation, timezone.localdate()))
        obligation.status = Obligation.Status.OVERDUE if still_missed else Obligation.Status.ACTIVE
        obligation.consecutive_overdue = still_missed
        obligation.remediation_due = None
        obligation.reminders_sent = []
    elif outcome == "deficient":
        obligation.remediation_due = timezone.localdate() + timedelta(days=REMEDIATION_DAYS)
    obligation.save()


def open_enforcement(
    *, model: AIModel, kind: str, reason: str, by: Any = None, obligation: Obligation | None = None
) -> EnforcementCase:
    """Open an enforcement case; ``re_review`` also opens a ``compliance_breach`` re-review."""
    if by is not None and not reviews_compliance(by):
        raise NotAllowed("Only compliance officers and regulators open enforcement.")
    if kind not in EnforcementCase.Kind.values:
        raise Invalid(fields={"kind": ["The kind is warning, access_suspension or re_review."]})
    if not reason or not reason.strip():
        raise Invalid(fields={"reason": ["Say why enforcement is opened."]})
    with transaction.atomic():
        case = EnforcementCase.objects.create(
            reference=next_reference("EN", timezone.localdate().year),
            model=model,
            obligation=obligation,
            kind=kind,
            reason=reason.strip(),
            opened_by=by,
        )
        if kind == EnforcementCase.Kind.RE_REVIEW:
            case.rereview = open_rereview(model=model, trigger="compliance_breach", actor=by, reason=reason)
            case.save(update_fields=["rereview"])
        record(
            actor=by,
            action="enforcement.opened",
            obj=case,
            changes=created(case, ("reference", "model", "obligation", "kind", "reason")),
            organization_id=model.developer_id,
        )
        notify(
            recipients=[*members_of(model.developer_id), *users_with_role(COMPLIANCE)],
            event="enforcement_opened",
            subject=f"{case.reference}: {case.get_kind_display().lower()} for {model}",
            body=case.reason,
            obj=case,
            link=f"/models/{model.pk}/",
        )
    return case


def compliance_sweep(*, today: date | None = None) -> dict[str, int]:
    """Reminders at 14 and 3 days, overdue after the grace period, enforcement on two
    consecutive overdue periods or an unremedied deficiency. Running it twice on the same
    day changes nothing the second time."""
    today = today or timezone.localdate()
    counts = {"reminders": 0, "overdue": 0, "enforcement": 0}
    live = Obligation.objects.exclude(status=Obligation.Status.RETIRED).filter(next_due__isnull=False)
    for obligation_id in live.values_list("id", flat=True):
        with transaction.atomic():
            obligation = (
                Obligation.objects.select_for_update(of=("self",)).select_related("model").get(pk=obligation_id)
            )
            _sweep_one(obligation, today, counts)
    return counts


def missed_due_dates(obligation: Obligation, today: date) -> list[date]:
    """The due dates, from ``next_due`` on, whose grace period has passed by ``today``.

    ``next_due`` is the first period not yet met: an overdue obligation keeps the date it
    missed (the dashboard says "was due" that date) and each later period passing unmet
    counts one more consecutive overdue period."""
    if not obligation.period_months or obligation.next_due is None:
        return []
    missed: list[date] = []
    grace = timedelta(days=obligation.grace_days)
    while True:
        due = add_months(obligation.next_due, obligation.period_months * len(missed))
        if today <= due + grace:
            return missed
        missed.append(due)


def _sweep_one(obligation: Obligation, today: date, counts: dict[str, int]) -> None:
    model = obligation.model
    developers = list(members_of(model.developer_id))
    next_due = obligation.next_due
    if next_due is None:  # compliance_sweep sweeps only obligations with a due date
        raise TypeError(f"Obligation {obligation.pk} has no due date to sweep.")
    days_left = (next_due - today).days
    for days in REMINDER_DAYS:
        key = f"{next_due.isoformat()}:{days}d"
        if days_left <= days and days_left >= 0 and key not in obligation.reminders_sent:
            obligation.reminders_sent = [*obligation.reminders_sent, key]
            obligation.save(update_fields=["reminders_sent"])
            notify(
                recipients=developers,
                event="obligation_due_soon",
                subject=f"{model}: {obligation.kind} due {next_due.isoformat()}",
                obj=obligation,
                link=f"/models/{model.pk}/",
            )
            counts["reminders"] += 1
            break
    missed_dates = missed_due_dates(obligation, today)
    for counted, missed in enumerate(missed_dates[obligation.consecutive_overdue :], obligation.consecutive_overdue):
        before = obligation.status
        obligation.status = Obligation.Status.OVERDUE
        obligation.consecutive_overdue = counted + 1
        obligation.save(update_fields=["status", "consecutive_overdue"])
        record(
            actor=None,
            action="obligation.overdue",
            obj=obligation,
            changes={
                "status": [before, "overdue"],
                "consecutive_overdue": [counted, counted + 1],
                "missed_due": [None, missed.isoformat()],
            },
            organization_id=model.developer_id,
        )
        notify(
            recipients=[*developers, *users_with_role(COMPLIANCE)],
            event="obligation_overdue",
            subject=f"{model}: {obligation.kind} overdue (was due {missed.isoformat()})",
            obj=obligation,
            link=f"/models/{model.pk}/",
        )
        counts["overdue"] += 1
        if obligation.consecutive_overdue >= OVERDUE_PERIODS_BEFORE_ENFORCEMENT and not _open_enforcement_for(
            obligation
        ):
            open_enforcement(
                model=model,
                obligation=obligation,
                kind=EnforcementCase.Kind.RE_REVIEW,
                reason=f"{obligation.kind} overdue for {obligation.consecutive_overdue} consecutive periods.",
            )
            counts["enforcement"] += 1
    if obligation.remediation_due and today > obligation.remediation_due and not _open_enforcement_for(obligation):
        open_enforcement(
            model=model,
            obligation=obligation,
            kind=EnforcementCase.Kind.WARNING,
            reason=f"Deficiency in {obligation.kind} not remedied by {obligation.remediation_due.isoformat()}.",
        )
        counts["enforcement"] += 1


def _open_enforcement_for(obligation: Obligation) -> bool:
    return EnforcementCase.objects.filter(obligation=obligation, state=EnforcementCase.State.OPEN).exists()
