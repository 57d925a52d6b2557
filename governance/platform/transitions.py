"""The one check every service makes before a state change: the table of
``governance.tiering.transitions`` names the state an action leads to, or the change is an
illegal transition (409) and nothing is written."""

from governance.platform.errors import IllegalTransition
from governance.tiering import transitions


def target_state(kind: str, action: str, state: str, label: str) -> str:
    """The state ``action`` leads to from ``state``, or :class:`IllegalTransition`."""
    target = transitions.leads_to(kind, action, state)
    if target is None:
        article = "an" if label[:1].lower() in "aeiou" else "a"
        readable = action.replace("_", " ")
        raise IllegalTransition(f"Cannot {readable} {article} {label} that is {state.replace('_', ' ')}.")
    return target
