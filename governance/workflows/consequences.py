"""What follows a tier change (SPEC section 4), for any number of models at once: the
mirror on the model and its next periodic review, the access grants an escalation suspends
(section 21), the notices, the compliance obligations, the re-reviews and the derivatives
(section 10). Written once, for one model or a million."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils import timezone

from governance.access.services import act_on_tier_changes
from governance.cases.services import open_rereviews
from governance.compliance.services import sync_obligations_many
from governance.determinations.writer import Written
from governance.notifications.models import Notification
from governance.notifications.services import member_ids_by_organization, send_in_bulk, users_with_role
from governance.platform.jobs import REVALIDATE_MODEL, enqueue
from governance.registry.lineage import descendants_of
from governance.registry.models import AIModel
from governance.registry.roles import BOARD, REGULATOR
from governance.registry.selectors import models_by_id_for_follow_ups
from governance.registry.services import mirror_tiers
from governance.workflows import notices

PARENT_TIER_CHANGE = "parent_tier_change"
DETERMINATION = "determinations.determination"


def follow(
    written: Sequence[Written],
    *,
    rereview: tuple[str, str] | None,
    actor: Any = None,
    descendants_decided: bool = False,
) -> None:
    """Everything ``written`` causes outside the determinations.

    ``rereview``: the trigger and reason of the re-review an automatic change opens (None
    for a human decision, which is itself the review). ``descendants_decided``: the caller
    decides the derivatives of a risen model itself (a revalidation of every model, parents
    first); otherwise each risen model's children are re-decided by a job of their own.
    Re-reviews come last: numbering them locks the case counter until commit.
    """
    if not written:
        return
    in_force = [w for w in written if w.in_force]
    mirror_tiers(((w.state.id, w.tier, w.evidence_complete) for w in in_force), now=timezone.now())
    act_on_tier_changes(((w.state.id, w.tier, w.previous_tier) for w in in_force if w.rose), actor=actor)
    _notify(written)
    models = models_by_id_for_follow_ups(w.state.id for w in written)
    sync_obligations_many([(models[w.state.id], w.tier) for w in in_force], actor=actor)
    risen = [models[w.state.id] for w in in_force if w.rose]
    if rereview is not None:
        trigger, label = rereview
        if changed := [w for w in written if w.previous_tier is not None]:
            open_rereviews(
                [(models[w.state.id], notices.rereview_reason(label, w)) for w in changed], trigger=trigger, actor=actor
            )
    if descendants := _descendant_rereviews(risen):
        open_rereviews(descendants, trigger=PARENT_TIER_CHANGE, actor=actor)
    if not descendants_decided and risen:
        cause = rereview[0] if rereview is not None else PARENT_TIER_CHANGE
        for child_id in AIModel.objects.filter(parent_id__any=[m.pk for m in risen]).values_list("id", flat=True):
            enqueue(REVALIDATE_MODEL, child_id, cause=cause)


def _notify(written: Sequence[Written]) -> None:
    """One inbox entry per recipient per determination: the developer's members for a tier
    in force; the developer, every regulator and the board for a relaxation to confirm."""
    members = member_ids_by_organization(w.state.developer_id for w in written)
    reviewers = (
        list(users_with_role(REGULATOR, BOARD).values_list("id", flat=True))
        if any(not w.in_force for w in written)
        else []
    )
    rows = []
    for w in written:
        if w.in_force:
            event, subject, body = "determination_in_force", notices.in_force_subject(w), notices.in_force_body(w)
            recipients = members[w.state.developer_id]
        else:
            event, subject, body = "determination_pending", notices.pending_subject(w), notices.pending_body(w)
            recipients = list(dict.fromkeys([*members[w.state.developer_id], *reviewers]))
        rows += [
            Notification(
                recipient_id=user_id,
                event=event,
                subject=subject[:200],
                body=body,
                link=f"/models/{w.state.id}/",
                object_type=DETERMINATION,
                object_id=str(w.pk),
            )
            for user_id in recipients
        ]
    send_in_bulk(rows)


def _descendant_rereviews(risen: Iterable[AIModel]) -> list[tuple[AIModel, str]]:
    """``(descendant, reason)`` for every descendant of the risen models; a descendant of
    several is listed once, for the first."""
    risen = list(risen)
    if not risen:
        return []
    under = descendants_of([model.pk for model in risen])
    descendants = models_by_id_for_follow_ups({pk for pks in under.values() for pk in pks})
    reasons: dict[int, str] = {}
    for model in risen:
        for pk in sorted(under.get(model.pk, [])):
            reasons.setdefault(pk, notices.descendant_reason(str(model), model.current_tier))
    return [(descendants[pk], reason) for pk, reason in reasons.items()]
