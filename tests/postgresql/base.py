"""The test suite's PostgreSQL backend: Django's, except that the flush run between
transactional tests may empty the audit table, which the truncate trigger otherwise refuses
(``governance.audit.triggers``)."""

from django.db.backends.postgresql import base, operations

from governance.audit.triggers import flush_sql


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = super().sql_flush(style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return flush_sql(statements, list(tables))


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
