"""Several writes of one transaction sent to the database in one round trip.

A new comment ends with up to three writes that depend on nothing read after them: its spam
evidence, its notification task and the discussion's version. Each round trip costs both
processes CPU whatever the statement does (sending the task with the version in one saved
80-180 µs of this process's CPU a comment: bench/README, "A new comment's last writes in one
round trip"), so they are collected here and sent at once, in the order added. On
PostgreSQL they go as one query string: psycopg2 fills in every parameter on this side,
quoting each, as it does for a single statement. Other databases take them one by one.
"""

from django.db import connection


class StatementBatch:
    """Statements with ``%s`` parameters, to be sent together by ``send()``."""

    def __init__(self):
        self._statements = []

    def add(self, sql, params=()):
        self._statements.append((sql, list(params)))

    def send(self):
        """Run every statement added, in order, in the current transaction."""
        statements, self._statements = self._statements, []
        if not statements:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and len(statements) > 1:
                sql = ";\n".join(sql for sql, _params in statements)
                cursor.execute(sql, [value for _sql, params in statements for value in params])
            else:
                for sql, params in statements:
                    cursor.execute(sql, params)


def run_or_add(batch, sql, params):
    """Add the statement to ``batch``, or run it now when there is none."""
    if batch is not None:
        batch.add(sql, params)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
