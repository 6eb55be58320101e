"""Where a new comment goes in its thread's nested set, and the room kept for later replies.

django-mptt numbers a thread depth-first (``lft``/``rght``) and inserts a reply by shifting
every number after it: the rest of the thread is rewritten, ~7 µs a row on PostgreSQL, so a
reply near the top of a 10,000-comment thread spent ~70 ms shifting.

Here every approved comment, written by the form or by an import, gets room for
``REPLY_ROOM`` replies inside its own interval: its ``rght`` lies that many pairs of numbers
beyond what its replies use. An imported comment gets room for twice as many replies as it
has already, if that is more: a comment that drew many replies is likely to draw more. A
reply takes at most a quarter of its parent's room (the parent keeps the rest for the next
ones) and rewrites no other row. Only a parent without room makes a shift, and that shift
opens as many numbers again as the parent spans, so a comment that draws many replies shifts
its thread a few times, not once per reply. Held and spam comments get no room (most are
never answered), so ``rght > lft + 1`` still finds nearly only the hidden comments with
replies (``CommentQuerySet.for_thread_page``). Numbers cost nothing but their range: a
10,000-comment import spans ~200,000 of the 2**31 an integer holds.

What the room changes: nesting, order and levels are as django-mptt keeps them, but
``rght - lft`` no longer counts descendants. ``Comment`` answers ``get_descendant_count`` and
``is_leaf_node`` from the rows, and nothing in the project reads a count from the numbers;
django-mptt's ``rebuild`` still works (it numbers without room). tests/tree_check.py checks
the numbers against the parent links.
"""

from django.db.models import Case, F, Max, OuterRef, PositiveIntegerField, Subquery, Value, When

from .models import Comment

REPLY_ROOM = 8  # replies an approved comment has room for when it is written
MAX_GAP = 1 << 16  # numbers one shift opens at most: a thread stays far below 2**31
PAIR = 2  # numbers a comment takes without room: its lft and its rght


def room_for(status, *, replies=0):
    """The numbers of room a comment of ``status`` is written with. An imported comment that
    drew ``replies`` replies already gets room for twice as many more: likely to draw them."""
    return PAIR * max(REPLY_ROOM, 2 * replies) if status == Comment.Status.APPROVED else 0


def span_for(status):
    """How many numbers a new comment of ``status`` takes, its room included."""
    return PAIR + room_for(status)


def last_reply_end():
    """An annotation for a query of comments: the ``rght`` of each one's last reply (None
    without replies), so the parent's re-read under the lock also tells where its room is."""
    replies = Comment.objects.filter(parent_id=OuterRef("pk")).order_by().values("parent_id")
    return Subquery(replies.annotate(end=Max("rght")).values("end")[:1])


def place_reply(comment, parent, *, last_end):
    """Set ``comment``'s tree fields as the last reply to ``parent`` (read under the thread's
    lock, so its lft/rght are current; ``last_end``: its ``last_reply_end``), shifting the
    thread only when ``parent`` has no room. ``parent.rght`` is kept current if it moves."""
    start = (last_end or parent.lft) + 1  # the first number after the last reply
    free = parent.rght - start
    wanted = span_for(comment.status)
    if free < PAIR:
        # Room for this reply and as many numbers again as the parent spans (up to MAX_GAP).
        gap = max(wanted + PAIR * REPLY_ROOM, min(parent.rght - parent.lft + 1, MAX_GAP))
        open_gap(tree_id=parent.tree_id, at=parent.rght, gap=gap)
        parent.rght += gap
        free += gap
    # A quarter of the free room at most: the parent keeps most of it for its next replies.
    span = max(PAIR, min(wanted, free // 4 // PAIR * PAIR))
    comment.tree_id = parent.tree_id
    comment.level = parent.level + 1
    comment.lft = start
    comment.rght = start + span - 1


def place_root(comment):
    """Set ``comment``'s tree fields as a new thread's root, with its room (under the lock
    that ``comments.locks.lock_new_threads`` takes, so no one else takes the same tree id)."""
    comment.tree_id = (Comment.objects.aggregate(last=Max("tree_id"))["last"] or 0) + 1
    comment.level = 0
    comment.lft = 1
    comment.rght = span_for(comment.status)


def open_gap(*, tree_id, at, gap):
    """Make room for ``gap`` numbers at ``at`` (a parent's ``rght``) in a stored thread.

    The rows from ``at`` on move right: the parent and its ancestors only by ``rght``.
    One UPDATE; no index holds lft or rght, so every row is rewritten in place (HOT).
    """
    gap_value = Value(gap, output_field=PositiveIntegerField())
    Comment.objects.filter(tree_id=tree_id, rght__gte=at).update(
        lft=Case(When(lft__gt=at, then=F("lft") + gap_value), default=F("lft")),
        rght=F("rght") + gap_value,
    )
