from typing import Any

from django.db import transaction

from governance.audit.services import created, record
from governance.cases.models import ConflictOfInterest
from governance.platform.errors import Conflict, Invalid, NotAllowed
from governance.registry.models import Organization
from governance.registry.roles import is_adjudicator


def declare_conflict(*, by: Any, regulator: Any, organization: Organization, note: str = "") -> ConflictOfInterest:
    """A regulator declares (or a colleague records) a conflict with an organisation."""
    if not is_adjudicator(by):
        raise NotAllowed("Only regulators record declarations of conflict.")
    if not is_adjudicator(regulator):
        raise Invalid(fields={"regulator": ["Declarations are made by regulators."]})
    with transaction.atomic():
        if ConflictOfInterest.objects.filter(regulator=regulator, organization=organization).exists():
            raise Conflict("This conflict is already declared.")
        declaration = ConflictOfInterest.objects.create(regulator=regulator, organization=organization, note=note)
        record(
            actor=by,
            action="conflict.declared",
            obj=declaration,
            changes=created(declaration, ("regulator", "organization", "note")),
        )
    return declaration
