"""Rule-making (SPEC section 22): a draft threshold set goes out for consultation with the
impact preview's matrix (counts only, no model names), which the determinations app
computes and the baselines app keeps with the consultation."""

from datetime import datetime
from typing import Any

from governance.baselines import services as baselines
from governance.baselines.models import Consultation, ThresholdSet
from governance.determinations.preview import impact_preview
from governance.registry.roles import BOARD, has_role


def open_consultation(*, by: Any, threshold_set: ThresholdSet, closes_at: datetime | None = None) -> Consultation:
    if has_role(by, BOARD) and threshold_set.status == ThresholdSet.Status.DRAFT:
        matrix = impact_preview(threshold_set)["matrix"]
    else:
        matrix = {}  # the service refuses the caller or the state; nothing worth computing
    return baselines.open_consultation(by=by, threshold_set=threshold_set, closes_at=closes_at, impact_matrix=matrix)
