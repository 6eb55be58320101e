"""Serialising writers of a comment tree on PostgreSQL.

django-mptt rewrites lft/rght of many rows on every insert and is not safe under concurrent
writers. Every write to a thread takes a transaction-scoped advisory lock on the thread's
tree_id; creating a new thread takes one global key, because mptt allocates tree_ids as
max(tree_id) + 1. Elsewhere (SQLite) writers are serialised by the database itself.
"""

from django.db import connection

LOCK_NAMESPACE = 0x636D74  # "cmt": keeps our keys apart from other advisory lock users
NEW_THREAD_KEY = 0  # mptt's tree_ids start at 1, so 0 never names a real thread


def _advisory_xact_lock(key):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, key])


def lock_thread(tree_id):
    """Lock one thread until the end of the current transaction."""
    _advisory_xact_lock(tree_id)


def lock_new_threads():
    """Lock tree_id allocation until the end of the current transaction."""
    _advisory_xact_lock(NEW_THREAD_KEY)


def lock_threads(tree_ids):
    """Lock several threads in one statement, always in ascending order so that two writers
    locking overlapping sets can never deadlock each other."""
    ordered = sorted(set(tree_ids))
    if connection.vendor != "postgresql" or not ordered:
        return
    with connection.cursor() as cursor:
        # unnest() yields the (sorted) array in order, so the locks are taken in that order.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, t) FROM unnest(%s::integer[]) AS t",
            [LOCK_NAMESPACE, ordered],
        )
