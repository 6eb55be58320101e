"""The learned model in the database: read the counts a comment needs, add to them.

Reading is one ``SELECT … WHERE key IN (…)`` for all of a comment's features and the totals.
Writing is one ``INSERT … ON CONFLICT (key) DO UPDATE SET spam = spam + excluded.spam, …``
per 1,000 keys, in ascending key order: each row's increment is atomic in the database, so
learners in several processes at once lose no count, and taking the row locks in one order
means two learners never deadlock.
"""

from django.db import connection

from .models import TOTALS_KEY, SpamFeatureCount
from .sql_lists import BIGINT_ARRAY, bigint_array

CHUNK = 1000


def _table():
    return connection.ops.quote_name(SpamFeatureCount._meta.db_table)


def counts_for(keys):
    """({key: (spam, ham)} for those of ``keys`` ever seen, (spam total, ham total))."""
    with connection.cursor() as cursor:
        cursor.execute(*counts_query(keys))
        return counts_from_rows(cursor.fetchall())


def counts_query(keys):
    """The ``SELECT`` of the counts of ``keys`` and of the totals, as ``(sql, params)``: rows
    ``(key, spam, ham)``, read by ``counts_from_rows``.

    Plain SQL: on the write path of every comment, the ORM's query building cost more CPU
    than the rest of scoring together."""
    keys = [TOTALS_KEY, *keys]
    if connection.vendor == "postgresql":
        sql = f"SELECT key, spam, ham FROM {_table()} WHERE key = ANY({BIGINT_ARRAY})"  # noqa: S608
        return sql, [bigint_array(keys)]
    marks = ", ".join(["%s"] * len(keys))
    return f"SELECT key, spam, ham FROM {_table()} WHERE key IN ({marks})", keys  # noqa: S608


def counts_from_rows(rows):
    """``counts_for``'s answer from the rows of ``counts_query``."""
    counts = {key: (spam, ham) for key, spam, ham in rows}
    totals = counts.pop(TOTALS_KEY, (0, 0))
    return counts, totals


def add_counts(deltas):
    """Add ``deltas`` ({key: (spam, ham)}, may be negative) to the counts, atomically."""
    items = sorted((key, spam, ham) for key, (spam, ham) in deltas.items() if spam or ham)
    table = _table()
    with connection.cursor() as cursor:
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (key, spam, ham) VALUES {values} "  # noqa: S608 - fixed names
                f"ON CONFLICT (key) DO UPDATE SET spam = {table}.spam + excluded.spam, "
                f"ham = {table}.ham + excluded.ham",
                [value for row in chunk for value in row],
            )


def reset():
    """Forget everything learned."""
    SpamFeatureCount.objects.all().delete()


def totals():
    return counts_for([])[1]
