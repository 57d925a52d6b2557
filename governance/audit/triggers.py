"""The PostgreSQL triggers that keep the audit table append-only (migrations 0002 and 0005).

Nothing in the application truncates the audit table. Emptying a whole database is the
one deliberate exception (the test suite between transactional tests, and the benchmark's
reset of a load-data database): :func:`flush_sql` brackets such a flush with the truncate
trigger switched off, in the flush's own transaction, so a failed flush leaves it on.
"""

AUDIT_TABLE = "audit_auditevent"
TRUNCATE_TRIGGER = "audit_event_no_truncate"


def flush_sql(statements: list[str], tables: list[str]) -> list[str]:
    """``statements`` (a flush truncating ``tables``) able to empty the audit table too."""
    if AUDIT_TABLE not in tables or not statements:
        return statements
    return [
        f"ALTER TABLE {AUDIT_TABLE} DISABLE TRIGGER {TRUNCATE_TRIGGER};",
        *statements,
        f"ALTER TABLE {AUDIT_TABLE} ENABLE TRIGGER {TRUNCATE_TRIGGER};",
    ]
