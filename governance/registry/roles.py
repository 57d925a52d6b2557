"""Roles are Django groups (SPEC section 1). The permission matrix (section 15) is read
through these predicates, never by testing group names elsewhere."""

from functools import cache
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from django.db.models import Model

REGULATOR = "regulator"
BOARD = "board"
COMPLIANCE = "compliance"
DEVELOPER = "developer"
EVALUATOR = "evaluator"
AUDITOR = "auditor"
REQUESTER = "requester"
INSTITUTION_VERIFIER = "institution_verifier"
HOST = "host"
ALL_ROLES = (REGULATOR, BOARD, COMPLIANCE, DEVELOPER, EVALUATOR, AUDITOR, REQUESTER, INSTITUTION_VERIFIER, HOST)

# Staff of the regulator or its oversight body: they read every dossier.
OVERSIGHT_ROLES = frozenset({REGULATOR, BOARD, COMPLIANCE, AUDITOR})


# The columns of who a user is, as the joins of :func:`identity_joins` read them.
IDENTITY_COLUMNS = "g.name AS identity_role, m.organization_id AS identity_org, o.kind AS identity_kind"


@cache
def identity_joins() -> str:
    """The joins from a user ``u`` to their roles and organisation (one row per role), for
    :data:`IDENTITY_COLUMNS`: written out once, since the ORM compiling them on each request
    cost more than running them."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from governance.registry.models import Membership, Organization

    quote = connection.ops.quote_name
    groups = get_user_model().groups.through
    group = cast("type[Model]", groups._meta.get_field("group").related_model)  # Group, not "self"
    return (
        f"LEFT JOIN {quote(groups._meta.db_table)} ug ON ug.user_id = u.id "
        f"LEFT JOIN {quote(group._meta.db_table)} g ON g.id = ug.group_id "
        f"LEFT JOIN {quote(Membership._meta.db_table)} m ON m.user_id = u.id "
        f"LEFT JOIN {quote(Organization._meta.db_table)} o ON o.id = m.organization_id "
    )


def remember_identity(user: Any, rows: list[tuple[str | None, int | None, str | None]]) -> None:
    """Keep the user's roles and organisation (its id and kind), read as
    :data:`IDENTITY_COLUMNS`, on the user for the request: every permission check and cached
    read needs both."""
    user._aperture_roles = frozenset(name for name, _, _ in rows if name in ALL_ROLES)
    user._aperture_org_id = rows[0][1] if rows else None
    user._aperture_org_kind = rows[0][2] if rows else None


@cache
def _identify_sql() -> str:
    from django.contrib.auth import get_user_model
    from django.db import connection

    table = connection.ops.quote_name(get_user_model()._meta.db_table)
    return f"SELECT {IDENTITY_COLUMNS} FROM {table} u {identity_joins()}WHERE u.id = %s"


def _identify(user: Any) -> None:
    """Read who the user is, for a user not signed in through :mod:`governance.registry.backends`
    or a token (which read it with the user)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_identify_sql(), [user.pk])
        remember_identity(user, cursor.fetchall())


def roles_of(user: Any) -> frozenset[str]:
    """The user's roles, cached on the user object for the request."""
    if user is None or not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_aperture_roles"):
        _identify(user)
    return user._aperture_roles


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def organization_id_of(user: Any) -> int | None:
    """The id of the user's organisation (at most one), cached for the request."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_aperture_org_id"):
        _identify(user)
    return user._aperture_org_id


def sees_all_dossiers(user: Any) -> bool:
    return bool(roles_of(user) & OVERSIGHT_ROLES)


def is_adjudicator(user: Any) -> bool:
    """Regulators and board members decide contests, confirm relaxations, sit on panels."""
    return has_role(user, REGULATOR, BOARD)


def is_developer(user: Any) -> bool:
    return has_role(user, DEVELOPER) and organization_id_of(user) is not None


def is_evaluator(user: Any) -> bool:
    return has_role(user, EVALUATOR) and organization_id_of(user) is not None


def organization_kind_of(user: Any) -> str | None:
    """The kind of the user's organisation (``developer``, ``host``...), cached for the request."""
    if user is None or not user.is_authenticated:
        return None
    if not hasattr(user, "_aperture_org_kind"):
        _identify(user)
    return user._aperture_org_kind


def is_host(user: Any) -> bool:
    """A member of a host organisation (a model hub or mirror, SPEC 21)."""
    return organization_kind_of(user) == "host"


def is_institution_verifier(user: Any) -> bool:
    return has_role(user, INSTITUTION_VERIFIER) and organization_kind_of(user) == "research"


def reads_internal_notes(user: Any) -> bool:
    """The regulator's staff and its auditors read internal notes on cases (issue 15)."""
    return sees_all_dossiers(user)


def writes_internal_notes(user: Any) -> bool:
    """Regulators, board members and compliance officers add them; auditors change nothing."""
    return has_role(user, REGULATOR, BOARD, COMPLIANCE)
