"""Reads cached until the next change.

Every change to a domain object writes an audit event in the same transaction (SPEC
section 12), so the hash at the head of the audit chain names the state of the whole
database. A value computed after reading that head can only be as new as the head or newer;
cached under the head, it is never asked for again once anything changes, because the head
has moved. Nothing is invalidated by hand, and a reader can never be shown something older
than the last change committed before their request began.

What a reader may see depends on their roles and organisation (section 15), so every entry
is also keyed by those: two readers share an entry only when the visibility rules cannot
tell them apart.
"""

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from governance.audit.services import chain_head
from governance.registry.roles import organization_id_of, roles_of

T = TypeVar("T")


def state_of(request: HttpRequest) -> str:
    """The head of the audit chain, read once per request."""
    memo: Any = request  # kept on the request, under an attribute HttpRequest does not declare
    if not hasattr(memo, "_aperture_chain_head"):
        memo._aperture_chain_head = chain_head()
    return memo._aperture_chain_head


def viewer(user: Any) -> str:
    """The reader as the visibility rules see them: roles and organisation."""
    return f"{','.join(sorted(roles_of(user)))}@{organization_id_of(user) or ''}"


def cached_read(request: HttpRequest, scope: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, or what it returned for the same ``scope``, ``key`` and kind of reader
    since the last change."""
    parts = (key, viewer(request.user), state_of(request))
    entry = f"read:{scope}:{hashlib.sha256(chr(31).join(parts).encode()).hexdigest()}"
    value = cache.get(entry)
    if value is None:
        value = compute()
        cache.set(entry, value, settings.READ_CACHE_SECONDS)
    return value
