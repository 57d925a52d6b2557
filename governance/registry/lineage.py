"""Lineage (SPEC section 10): a model's ancestors and descendants, each in one recursive query."""

from collections import defaultdict

from django.db import connection

from governance.registry.models import AIModel


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
    children = AIModel.objects.filter(parent_id__any=list(model_ids)).order_by().values_list("parent_id", "id")
    children_sql, params = children.query.sql_with_params()  # the ids as one array on PostgreSQL
    # On PostgreSQL each generation is looked up by its parents' ids through the parent_id
    # index (LATERAL, kept a subquery by OFFSET 0), not by a join with every model, which the
    # planner chose for want of knowing how few rows the recursion holds: it read all
    # 100,000 models for each chunk of a bulk revalidation.
    step = (
        f"FROM tree CROSS JOIN LATERAL (SELECT id FROM {table} WHERE parent_id = tree.id OFFSET 0) m"
        if connection.vendor == "postgresql"
        else f"FROM {table} m JOIN tree ON m.parent_id = tree.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE tree(root, id, depth) AS (
                SELECT child.parent_id, child.id, 1 FROM ({children_sql}) child
                UNION
                SELECT tree.root, m.id, tree.depth + 1 {step}
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
