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

Threads stored before comments had room (or renumbered by django-mptt's ``rebuild``) are
packed: each number follows the last. ``make_room`` numbers such a thread again, with room,
in one UPDATE (``python manage.py comments_make_room`` does it for every packed thread).
"""

from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q

from .locks import lock_thread
from .models import Comment

REPLY_ROOM = 8  # replies an approved comment has room for when it is written
MAX_GAP = 1 << 16  # numbers one shift opens at most: a thread stays far below 2**31
PAIR = 2  # numbers a comment takes without room: its lft and its rght


def room_for(status, *, replies=0):
    """The numbers of room a comment of ``status`` is written with. An imported comment that
    drew ``replies`` replies already gets room for twice as many more: likely to draw them."""
    return PAIR * max(REPLY_ROOM, 2 * replies) if status == Comment.Status.APPROVED else 0


def number_depth_first(root, *, first=1, level=0):
    """Give ``root`` and its descendants ``lft``/``rght``/``level`` from ``first``, in one
    iterative depth-first pass, each with room for replies (``room_for``); return the number
    after ``root``'s ``rght``. A node has ``status`` and ``children`` (in thread order)."""
    counter = first
    root.level = level
    stack = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            counter += room_for(node.status, replies=len(node.children))
            node.rght = counter
            counter += 1
            continue
        node.lft = counter
        counter += 1
        stack.append((node, True))
        for child in reversed(node.children):
            child.level = node.level + 1
            stack.append((child, False))
    return counter


def span_for(status):
    """How many numbers a new comment of ``status`` takes, its room included."""
    return PAIR + room_for(status)


# What a reply needs of its parent, re-read under the thread's lock: mptt's tree fields, and
# post_id for Comment.clean().
PARENT_FIELDS = ("id", "post_id", "parent_id", "status", "tree_id", "lft", "rght", "level")


def reply_parent(parent_id, *, post_id, any_status=False):
    """The comment ``parent_id`` of post ``post_id`` as a reply may hang under it, or None: an
    ordinary comment, approved unless ``any_status``. It carries ``last_reply_end``, the
    ``rght`` of its last reply (None without replies), which says where its room is.

    Written as SQL, as is the thread lock before it (``locks.lock_thread_of``): built by the
    ORM (``only``, a ``Subquery`` for the last reply, a compiled queryset for the lock) the
    two cost ~3.5 ms of Python on every reply, as SQL ~1 ms (bench/README.md, "Replies without
    the ORM's query building"). PostgreSQL answers from the primary key and the parent_id
    index. Its conditions repeat ``replyable()`` and ``comments()``; tests/test_reply_parent.py
    holds the answers equal."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    columns = ", ".join(f"parent.{connection.ops.quote_name(name)}" for name in PARENT_FIELDS)
    status = "" if any_status else "AND parent.status = %(approved)s"
    # Only names are put into the text; every value is a parameter.
    sql = f"""
        SELECT {columns},
            (SELECT MAX(reply.rght) FROM {table} reply WHERE reply.parent_id = parent.id)
        FROM {table} parent
        WHERE parent.id = %(id)s AND parent.post_id = %(post)s AND parent.kind = %(kind)s
            {status}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "id": parent_id,
                "post": post_id,
                "kind": Comment.Kind.COMMENT.value,
                "approved": Comment.Status.APPROVED.value,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    parent = Comment.from_db(connection.alias, PARENT_FIELDS, row[:-1])
    parent.last_reply_end = row[-1]
    return parent


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


def next_tree_id():
    """The tree id after the highest stored one. Call under the lock that
    ``comments.locks.lock_new_threads`` takes, so no one else takes the same one."""
    return (Comment.objects.aggregate(last=Max("tree_id"))["last"] or 0) + 1


def place_root(comment):
    """Set ``comment``'s tree fields as a new thread's root, with its room (under the lock
    that ``comments.locks.lock_new_threads`` takes)."""
    comment.tree_id = next_tree_id()
    comment.level = 0
    comment.lft = 1
    comment.rght = span_for(comment.status)


def open_gap(*, tree_id, at, gap):
    """Make room for ``gap`` numbers at ``at`` (a parent's ``rght``) in a stored thread.

    The rows from ``at`` on move right: the parent and its ancestors only by ``rght``.
    One UPDATE; no index holds lft or rght, so every row is rewritten in place (HOT). Written
    as SQL with parameters, as django-mptt writes its own shift: the ORM's CASE expression
    costs ~1 ms of Python to compile, on every reply that shifts.
    """
    table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET lft = CASE WHEN lft > %s THEN lft + %s ELSE lft END, "  # noqa: S608 - a table name
            "rght = rght + %s WHERE tree_id = %s AND rght >= %s",
            [at, gap, gap, tree_id, at],
        )


class NotOneTree(Exception):
    """The thread's rows do not form one tree (no root, or several): nothing was changed."""


@dataclass(slots=True, eq=False)
class _StoredNode:
    pk: int
    status: str
    children: list = field(default_factory=list)
    lft: int = 0
    rght: int = 0
    level: int = 0


def packed_threads(*, oldest=None):
    """Tree ids of the threads numbered without room for replies (each number follows the
    last) that hold an approved comment, the only kind that gets room. ``oldest``: look at
    that many of the oldest threads only (an index range instead of the whole table)."""
    comments = Comment.objects.order_by()
    if oldest is not None:
        first = comments.aggregate(first=Min("tree_id"))["first"] or 0
        comments = comments.filter(tree_id__lt=first + oldest)
    return (
        comments.values("tree_id")
        .annotate(
            first=Min("lft"),
            last=Max("rght"),
            size=Count("id"),
            approved=Count("id", filter=Q(status=Comment.Status.APPROVED)),
        )
        .filter(last=F("first") + 2 * F("size") - 1, approved__gt=0)
        .values_list("tree_id", flat=True)
        .order_by("tree_id")
    )


@transaction.atomic
def make_room(*, tree_id):
    """Number the thread ``tree_id`` again with room for replies, in the same order, under
    the thread's lock; return how many of its comments moved. Its levels and parents stay."""
    lock_thread(tree_id)
    rows = (
        Comment.objects.filter(tree_id=tree_id)
        .order_by("lft")
        .values_list("pk", "parent_id", "status", "lft", "rght")
    )
    nodes, roots, old = {}, [], {}
    for pk, parent_id, status, lft, rght in rows:
        node = nodes[pk] = _StoredNode(pk=pk, status=status)
        old[pk] = (lft, rght)
        parent = nodes.get(parent_id)  # in lft order a parent comes before its replies
        (parent.children if parent is not None else roots).append(node)
    if len(roots) != 1:
        raise NotOneTree(tree_id)
    number_depth_first(roots[0])
    moved = [node for node in nodes.values() if old[node.pk] != (node.lft, node.rght)]
    if moved:
        _write_numbers(moved)
    return len(moved)


def _write_numbers(nodes):
    """Store the nodes' new lft/rght: one UPDATE from arrays on PostgreSQL (no index holds
    either column, so every row is rewritten in place), ``bulk_update`` elsewhere."""
    if connection.vendor != "postgresql":
        Comment.objects.bulk_update(
            [Comment(pk=n.pk, lft=n.lft, rght=n.rght) for n in nodes], ["lft", "rght"], 500
        )
        return
    table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET lft = new.lft, rght = new.rght "  # noqa: S608 - a table name
            "FROM unnest(%s::bigint[], %s::integer[], %s::integer[]) AS new(id, lft, rght) "
            f"WHERE {table}.id = new.id",
            [[n.pk for n in nodes], [n.lft for n in nodes], [n.rght for n in nodes]],
        )
