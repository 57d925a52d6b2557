"""Lineage cascade (SPEC section 10): a parent's tier rise reaches every descendant."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection

from governance.platform.jobs import enqueue
from governance.registry.models import AIModel
from governance.registry.selectors import models_by_id_for_follow_ups


def _walk(sql: str, model_id: int) -> list[int]:
    table = connection.ops.quote_name(AIModel._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql.format(table=table), [model_id])
        return [row[0] for row in cursor.fetchall()]


def descendants_of(model_ids: list[int]) -> dict[int, list[int]]:
    """Every descendant of each of ``model_ids``, nearest generation first, in one recursive
    query. (Registration rejects cycles, and ``UNION`` stops at a repeated row all the same.)"""
    found: dict[int, list[int]] = defaultdict(list)
    if not model_ids:
        return found
    table = connection.ops.quote_name(AIModel._meta.db_table)
    children = AIModel.objects.filter(parent_id__any=list(model_ids)).values_list("parent_id", "id")
    children_sql, params = children.query.sql_with_params()  # the ids as one array on PostgreSQL
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE tree(root, id, depth) AS (
                SELECT child.parent_id, child.id, 1 FROM ({children_sql}) child
                UNION
                SELECT tree.root, m.id, tree.depth + 1 FROM {table} m JOIN tree ON m.parent_id = tree.id
            )
            SELECT root, id FROM tree GROUP BY root, id ORDER BY root, MIN(depth), id
            """,
            params,
        )
        for root, pk in cursor.fetchall():
            found[root].append(pk)
    return found


def descendant_ids(model_id: int) -> list[int]:
    """Every descendant of ``model_id``, nearest generation first."""
    return descendants_of([model_id]).get(model_id, [])


def ancestor_ids(model_id: int) -> list[int]:
    """The parent, grandparent, … of ``model_id``, nearest first, in one recursive query."""
    return _walk(
        """
        WITH RECURSIVE chain(id, parent_id, depth) AS (
            SELECT id, parent_id, 0 FROM {table} WHERE id = %s
            UNION
            SELECT m.id, m.parent_id, chain.depth + 1 FROM {table} m JOIN chain ON m.id = chain.parent_id
        )
        SELECT id FROM chain WHERE depth > 0 GROUP BY id ORDER BY MIN(depth)
        """,
        model_id,
    )


PARENT_TIER_CHANGE = "parent_tier_change"


def descendant_rereviews(models: Iterable[AIModel]) -> list[tuple[AIModel, str]]:
    """``(descendant, reason)`` for the re-reviews a rise of each of ``models``' tiers calls
    for; a descendant of several of them is listed once, for the first."""
    models = list(models)
    under = descendants_of([model.pk for model in models])
    descendants = models_by_id_for_follow_ups({pk for pks in under.values() for pk in pks})
    reasons: dict[int, str] = {}
    for model in models:
        for pk in sorted(under.get(model.pk, [])):
            reasons.setdefault(pk, f"Ancestor {model} rose to Tier {model.current_tier}.")
    return [(descendants[pk], reason) for pk, reason in reasons.items()]


def open_descendant_rereviews(*, model: AIModel, actor: Any = None) -> None:
    """A ``parent_tier_change`` re-review for every descendant of a model whose tier rose."""
    from governance.cases.services import open_rereviews

    open_rereviews(descendant_rereviews([model]), trigger=PARENT_TIER_CHANGE, actor=actor)


def on_tier_rise(*, model: AIModel, actor: Any = None) -> None:
    """Open re-reviews for every descendant and re-determine the direct children (whose
    floor may now bind; their own rises cascade further)."""
    from governance.determinations.tasks import revalidate_model_task

    open_descendant_rereviews(model=model, actor=actor)
    for child_id in AIModel.objects.filter(parent_id=model.pk).values_list("id", flat=True):
        enqueue(revalidate_model_task, child_id)
