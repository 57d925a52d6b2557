"""``field__any=[...]``: membership in a long list of ids as one array parameter.

``__in`` renders one placeholder per value; for the thousands of ids in a revalidation
chunk, building and planning that statement costs more than running it. On PostgreSQL
this lookup sends the list as a single array (``= ANY(%s)``); elsewhere it is ``IN``.
"""

from django.db.models import Field, ForeignObject
from django.db.models.lookups import In


class AnyOf(In):
    """``IN`` over ids. The values are sent as given (ints): preparing each of tens of
    thousands through the field costs more than the query."""

    lookup_name = "any"

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)  # relations only see lookups registered on them
