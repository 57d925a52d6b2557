"""Every stateful object's legal transitions, as data in one place (SPEC sections 4-9).

``TRANSITIONS[kind][action] = (states it may start from, state it leads to)``; a target of
None keeps the state (a vote, a new deadline). The services ask :func:`leads_to` before
they write (an illegal transition answers 409 and changes nothing), and the web pages ask
:func:`allows` which actions to offer, so the two can never disagree. Pure data: no Django.
"""

Table = dict[str, tuple[frozenset[str], str | None]]


def _t(sources: str, target: str | None) -> tuple[frozenset[str], str | None]:
    return frozenset(sources.split()), target


TRANSITIONS: dict[str, Table] = {
    "determination": {
        "confirm": _t("pending_confirmation", "in_force"),
        "reject": _t("pending_confirmation", "rejected"),
        "supersede": _t("pending_confirmation in_force", "superseded"),
    },
    "thresholdset": {
        "edit": _t("draft", None),
        "open_consultation": _t("draft", "consultation"),
        "comment": _t("consultation", None),
        "close_consultation": _t("consultation", "draft"),
        "respond": _t("draft", None),
        "vote": _t("draft", None),
        "publish": _t("draft", "published"),
        "activate": _t("published", "in_force"),
        "supersede": _t("published in_force", "superseded"),
    },
    "accreditation": {
        "suspend": _t("active", "suspended"),
        "reinstate": _t("suspended", "active"),
        "revoke": _t("active suspended expired", "revoked"),
        "expire": _t("active suspended", "expired"),
    },
    "evaluationresult": {
        "accept": _t("submitted", "accepted"),
        "reject": _t("submitted", "rejected"),
        "withdraw": _t("accepted", "withdrawn"),
    },
    "compliancesubmission": {
        "accept": _t("submitted", "accepted"),
        "find_deficient": _t("submitted", "deficient"),
        "reject": _t("submitted", "rejected"),
    },
    "obligation": {
        "submit": _t("active overdue", None),
        "mark_overdue": _t("active", "overdue"),
        "bring_up_to_date": _t("active overdue", "active"),
        "retire": _t("active overdue", "retired"),
    },
    "enforcementcase": {
        "close": _t("open", "closed"),
    },
    "contest": {
        "assign": _t("filed under_review", "under_review"),
        "request_information": _t("under_review", "awaiting_information"),
        "provide_information": _t("awaiting_information", "under_review"),
        "decide": _t("under_review", "decided"),
        "dismiss": _t("filed", "dismissed"),
        "withdraw": _t("filed under_review awaiting_information", "withdrawn"),
        "appeal": _t("decided", None),
    },
    "appeal": {
        "assign_panel": _t("filed", "panel_assigned"),
        "schedule_hearing": _t("panel_assigned hearing_scheduled", "hearing_scheduled"),
        "vote": _t("hearing_scheduled", None),
        "decide": _t("hearing_scheduled", "decided"),
        "withdraw": _t("filed panel_assigned hearing_scheduled", "withdrawn"),
    },
    "accessrequest": {
        "verify_identity": _t("submitted", "identity_verified"),
        "confirm_affiliation": _t("identity_verified", "affiliation_confirmed"),
        # Tier 3 also needs the affiliation confirmed: the service asks the tier in force.
        "approve": _t("identity_verified affiliation_confirmed", "approved"),
        "deny": _t("submitted identity_verified affiliation_confirmed", "denied"),
        "withdraw": _t("submitted identity_verified affiliation_confirmed", "withdrawn"),
    },
    "accessgrant": {
        "expire": _t("active", "expired"),
        "suspend": _t("active", "suspended"),
        "revoke": _t("active suspended", "revoked"),
    },
    "revalidationrun": {
        "start": _t("queued", "running"),
        "succeed": _t("running", "succeeded"),
        "fail": _t("queued running", "failed"),
        "resume": _t("failed", "running"),
    },
    "rereview": {
        "assign": _t("scheduled open in_progress", None),
        "start": _t("scheduled open", "in_progress"),
        "complete": _t("open in_progress", "completed"),
        "cancel": _t("scheduled open in_progress", "cancelled"),
    },
}


def allows(kind: str, action: str, state: str) -> bool:
    """Whether ``action`` may be taken on a ``kind`` in ``state``."""
    table = TRANSITIONS[kind]
    return action in table and state in table[action][0]


def leads_to(kind: str, action: str, state: str) -> str | None:
    """The state ``action`` leads to from ``state``, or None when it is not allowed there."""
    if not allows(kind, action, state):
        return None
    target = TRANSITIONS[kind][action][1]
    return target or state


def actions_from(kind: str, state: str) -> list[str]:
    """Every action a ``kind`` in ``state`` allows, in table order."""
    return [action for action, (sources, _) in TRANSITIONS[kind].items() if state in sources]
