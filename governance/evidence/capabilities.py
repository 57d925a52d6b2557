"""The capability table (``Capability``, SPEC section 3's ``c[d]``), kept exact.

Every writer that changes what counts as evidence (a result accepted or withdrawn, a
benchmark's standing, scale or direction changed, an accreditation granted or changed)
calls :func:`refresh` for the models and domains it touched, in its own transaction: their
rows are worked out again from the results by the same selector that defines evidence
(:func:`governance.evidence.selectors.evidence`), so the table can only ever hold what an
aggregation from scratch would give.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Max, QuerySet

from governance.evidence.models import Capability
from governance.evidence.selectors import evidence

_LOCK_KEY = 0x43415041  # PostgreSQL advisory lock: one refresh at a time, each on fresh data


def from_scratch(model_ids: Iterable[int] | None = None, domain_ids: Iterable[int] | None = None) -> QuerySet:
    """``(model_id, domain_id, score)``: each model's best evidence score per domain,
    aggregated from the results (of ``model_ids`` and ``domain_ids``, or all)."""
    found = evidence()
    if model_ids is not None:
        found = found.filter(model_id__any=sorted(set(model_ids)))
    if domain_ids is not None:
        found = found.filter(benchmark__domain_id__in=sorted(set(domain_ids)))
    return (
        found.values("model_id", "benchmark__domain_id")
        .annotate(best=Max("normalized_score"))
        .values_list("model_id", "benchmark__domain_id", "best")
        .order_by()
    )


def refresh(*, model_ids: Iterable[int] | None = None, domain_ids: Iterable[int] | None = None) -> None:
    """Work out again the capability of ``model_ids`` in ``domain_ids`` (all models, all
    domains when None) from their evidence, in the caller's transaction.

    Refreshes wait for each other (a transaction-scoped lock): the statements after the
    lock see every refresh committed before it, so two changes to one model's evidence in
    concurrent transactions cannot leave the table with only one of them.
    """
    if model_ids is not None:
        model_ids = sorted(set(model_ids))
        if not model_ids:
            return
    if domain_ids is not None:
        domain_ids = sorted(set(domain_ids))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        stale = Capability.objects.all()
        if model_ids is not None:
            stale = stale.filter(model_id__any=model_ids)
        if domain_ids is not None:
            stale = stale.filter(domain_id__in=domain_ids)
        stale.delete()
        select, params = from_scratch(model_ids, domain_ids).query.sql_with_params()
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(Capability._meta.db_table)} (model_id, domain_id, score) {select}", params
            )


def drift() -> int:
    """How many (model, domain) pairs the table gets wrong against an aggregation from
    scratch (0: exact), counted by the database. For checks and the benchmark."""
    fresh, params = from_scratch().query.sql_with_params()
    table = connection.ops.quote_name(Capability._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT count(*) FROM {table} kept
            FULL JOIN ({fresh}) fresh (model_id, domain_id, best)
              ON fresh.model_id = kept.model_id AND fresh.domain_id = kept.domain_id
            WHERE kept.score IS NULL OR fresh.best IS NULL OR kept.score <> fresh.best
            """,
            params,
        )
        return cursor.fetchone()[0]
