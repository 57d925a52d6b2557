"""The only writers of contests, appeals, re-reviews and declarations (SPEC sections 5-7)."""

from governance.cases.services.appeals import (
    assign_panel,
    cast_vote,
    file_appeal,
    panel_candidates,
    schedule_hearing,
    withdraw_appeal,
)
from governance.cases.services.conflicts import declare_conflict
from governance.cases.services.contests import (
    assign_adjudicator,
    decide_contest,
    dismiss_contest,
    file_contest,
    provide_information,
    request_information,
    withdraw_contest,
)
from governance.cases.services.deadlines import case_deadline_sweep
from governance.cases.services.notes import add_note
from governance.cases.services.rereviews import (
    add_release_stage,
    assign_rereview,
    complete_rereview,
    open_due_rereviews,
    open_rereview,
    open_rereviews,
    start_rereview,
)

__all__ = [
    "add_note",
    "add_release_stage",
    "assign_adjudicator",
    "assign_panel",
    "assign_rereview",
    "case_deadline_sweep",
    "cast_vote",
    "complete_rereview",
    "decide_contest",
    "declare_conflict",
    "dismiss_contest",
    "file_appeal",
    "file_contest",
    "open_due_rereviews",
    "open_rereview",
    "open_rereviews",
    "panel_candidates",
    "provide_information",
    "request_information",
    "schedule_hearing",
    "start_rereview",
    "withdraw_appeal",
    "withdraw_contest",
]
