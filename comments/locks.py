"""Serialising writers of a comment tree on PostgreSQL.

django-mptt rewrites lft/rght of many rows on every insert and is not safe under concurrent
writers. Every write to a thread takes a transaction-scoped advisory lock on the thread's
tree_id; creating a new thread takes one global key, because mptt allocates tree_ids as
max(tree_id) + 1. Elsewhere (SQLite) writers are serialised by the database itself.

A lock is only taken inside a transaction (it is released when that transaction ends) and
waited for at most ``COMMENTS_LOCK_TIMEOUT`` milliseconds: past that PostgreSQL raises
``lock_not_available``, a ``DatabaseError`` the comment form answers with its "try again" page
(HTTP 503, the text kept) instead of holding a web worker behind a stuck writer.
"""

import logging
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError

from .models import Comment

# At DEBUG, every lock logs how long it was waited for and held (until the commit that releases
# it): the profile bench/concurrency.py --lock-profile reads. Off, it costs one level check.
profile_log = logging.getLogger("comments.locks")

LOCK_NAMESPACE = 0x636D74  # "cmt": keeps our keys apart from other advisory lock users
NEW_THREAD_KEY = 0  # mptt's tree_ids start at 1, so 0 never names a real thread


def _require_transaction():
    if not connection.in_atomic_block:
        raise TransactionManagementError(
            "A comment thread lock is held until the transaction ends: take it inside "
            "transaction.atomic()."
        )


def _lock_keys(keys):
    """Take the advisory locks on ``keys``, in the order given, in one round trip."""
    if connection.vendor != "postgresql" or not keys:
        return
    _require_transaction()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # SET LOCAL: the bound applies to this transaction only. unnest() yields the array in
        # order, so the locks are taken in that order.
        cursor.execute(
            "SET LOCAL lock_timeout = %s; "
            "SELECT pg_advisory_xact_lock(%s, t) FROM unnest(%s::integer[]) AS t",
            [f"{settings.COMMENTS_LOCK_TIMEOUT}ms", LOCK_NAMESPACE, list(keys)],
        )
    if profile_log.isEnabledFor(logging.DEBUG):
        _profile(keys, started, time.perf_counter())


def _profile(keys, started, acquired):
    """Log, once the commit has released the lock, how long it was waited for and held."""
    kind = "new-thread" if list(keys) == [NEW_THREAD_KEY] else "thread"
    waited_ms = round((acquired - started) * 1000, 2)

    def released():
        held_ms = round((time.perf_counter() - acquired) * 1000, 2)
        profile_log.debug(
            "lock %s waited %.1f ms, held %.1f ms", kind, waited_ms, held_ms,
            extra={"lock": kind, "waited_ms": waited_ms, "held_ms": held_ms},
        )  # fmt: skip

    transaction.on_commit(released)


def lock_thread(tree_id):
    """Lock one thread until the end of the current transaction."""
    _lock_keys([tree_id])


def lock_thread_of(comment_id, *, post_id=None):
    """Lock the thread of comment ``comment_id`` (on post ``post_id``, when given), its
    tree_id read and its lock taken in one round trip: a reply's first statement under way
    to its parent's thread. Returns whether there is such a comment; elsewhere only looks.

    The tree_id comes from the statement's snapshot, taken before the lock is waited for:
    a comment never changes threads, so it is still right once the lock is granted, and the
    statements after it see every write of the writer that held the lock before.
    """
    on_post = {} if post_id is None else {"post_id": post_id}
    if connection.vendor != "postgresql":
        return Comment.objects.filter(pk=comment_id, **on_post).exists()
    _require_transaction()
    table = connection.ops.quote_name(Comment._meta.db_table)
    post_condition = "" if post_id is None else "AND post_id = %(post)s"
    # SQL rather than a compiled queryset, for the Python it saves on every reply
    # (tree.reply_parent says how much). Only names are put into the text; every value is a
    # parameter.
    sql = (
        "SET LOCAL lock_timeout = %(timeout)s; "  # noqa: S608
        "SELECT tree_id, pg_advisory_xact_lock(%(namespace)s, tree_id) "
        f"FROM {table} WHERE id = %(id)s {post_condition}"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "timeout": f"{settings.COMMENTS_LOCK_TIMEOUT}ms",
                "namespace": LOCK_NAMESPACE,
                "id": comment_id,
                "post": post_id,
            },
        )
        row = cursor.fetchone()
    if row is not None and profile_log.isEnabledFor(logging.DEBUG):
        _profile([row[0]], started, time.perf_counter())
    return row is not None


def lock_new_threads():
    """Lock tree_id allocation until the end of the current transaction."""
    _lock_keys([NEW_THREAD_KEY])


def lock_threads(tree_ids):
    """Lock several threads, always in ascending order so that two writers locking
    overlapping sets can never deadlock each other."""
    _lock_keys(sorted(set(tree_ids)))
