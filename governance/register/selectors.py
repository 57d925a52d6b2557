"""The public register (SPEC section 14): a public projection of released models, with
no confidential evidence. Shared by the API, the CSV export, the Atom feed and the page."""

from django.apps import apps
from django.db.models import BigIntegerField, Case, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models import BooleanField as BooleanFieldType

from governance.audit.models import AuditEvent
from governance.determinations.models import Determination
from governance.registry.selectors import public_models

CLOSED_CASE_STATES = ("decided", "dismissed", "withdrawn")


def _open_case_exists() -> Exists | Q | Value:
    """Whether a contest or appeal on the model is open (the cases app may define neither)."""
    try:
        contest = apps.get_model("cases", "Contest")
    except LookupError:
        return Value(False, output_field=BooleanFieldType())
    open_contest = Exists(contest.objects.filter(model=OuterRef("pk")).exclude(state__in=CLOSED_CASE_STATES))
    try:
        appeal = apps.get_model("cases", "Appeal")
    except LookupError:
        return open_contest
    open_appeal = Exists(appeal.objects.filter(contest__model=OuterRef("pk")).exclude(state__in=CLOSED_CASE_STATES))
    return open_contest | open_appeal


def register_entries() -> QuerySet:
    """Released models with a tier, annotated for the register; one query per page, and one
    more for the tiers peers give them (SPEC 23).

    ``public_parent_id`` is the parent only when the parent is on the register too: an
    unreleased parent is named nowhere on it (its id, name and version are not public)."""
    in_force = Determination.objects.filter(model=OuterRef("pk"), status=Determination.Status.IN_FORCE)

    return (
        public_models()
        .select_related("developer", "parent")
        .prefetch_related("peer_tiers__peer")
        .annotate(
            threshold_set_version=Subquery(in_force.values("threshold_set__version")[:1]),
            case_open=_open_case_exists(),
            public_parent_id=Case(
                When(parent__released=True, parent__current_tier__isnull=False, then=F("parent_id")),
                default=None,
                output_field=BigIntegerField(),
            ),
        )
        .order_by("name", "version", "id")
    )


def tier_changes(limit: int = 100) -> QuerySet[Determination]:
    """Recent determinations in force (now or formerly) of released models: the Atom feed."""
    return (
        Determination.objects.filter(
            model__released=True,
            status__in=[Determination.Status.IN_FORCE, Determination.Status.SUPERSEDED],
            effective_from__isnull=False,
        )
        .select_related("model__developer")
        .order_by("-effective_from", "-id")[:limit]
    )


def accreditation_history(accreditation_ids: list[int]) -> dict[int, list[dict]]:
    """What happened to each accreditation, oldest first, from the audit trail: the action,
    when, the state it led to and the reasons given (no names of staff)."""
    events = (
        AuditEvent.objects.filter(
            object_type="registry.accreditation", object_id__in=[str(i) for i in accreditation_ids]
        )
        .order_by("seq")
        .values_list("object_id", "action", "timestamp", "changes")
    )
    history: dict[int, list[dict]] = {pk: [] for pk in accreditation_ids}
    for object_id, action, timestamp, changes in events:
        state = (changes.get("state") or [None, None])[1]
        reasons = (changes.get("reasons") or [None, ""])[1]
        history[int(object_id)].append(
            {"action": action.split(".", 1)[1], "at": timestamp, "state": state, "reasons": reasons or ""}
        )
    return history
