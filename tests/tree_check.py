"""Checking a comment forest's tree fields against its parent links.

The numbers are django-mptt's nested set with room for replies (``comments.tree``): an
interval may hold unused numbers, so the check is structural, not a recount from 1.
"""

from collections import defaultdict

from comments.models import Comment
from comments.tree import PAIR
from tests.factories import make_comment


def stored_tree_fields(**filters):
    """{id: (tree_id, lft, rght, level)} as stored."""
    rows = Comment.objects.filter(**filters).values_list("id", "tree_id", "lft", "rght", "level")
    return {pk: fields for pk, *fields in rows for fields in [tuple(fields)]}


def tree_order(**filters):
    """{tree_id: [(id, level), ...] in lft order}: what the numbers say, whatever their values."""
    rows = Comment.objects.filter(**filters).order_by("tree_id", "lft")
    order = defaultdict(list)
    for pk, tree_id, level in rows.values_list("id", "tree_id", "level"):
        order[tree_id].append((pk, level))
    return dict(order)


def tree_problems(**filters):
    """Every way the trees of the selected comments (whole trees) disagree with their parent
    links (empty: valid). Each tree has one root at level 0; each reply lies strictly inside
    its parent's interval, one level below it, in its parent's tree; replies to one comment
    do not overlap and follow each other in the order they were written (by id: appended as
    the last reply, under the thread's lock)."""
    rows = Comment.objects.filter(**filters).values_list(
        "id", "parent_id", "tree_id", "lft", "rght", "level"
    )
    nodes = {row[0]: row for row in rows}
    problems = []
    roots = defaultdict(list)
    children = defaultdict(list)
    for pk, parent_id, tree_id, lft, rght, level in nodes.values():
        if not lft < rght:
            problems.append(f"comment {pk}: lft {lft} not below rght {rght}")
        if parent_id is None:
            roots[tree_id].append(pk)
            if level != 0:
                problems.append(f"root {pk}: level {level}")
            continue
        parent = nodes.get(parent_id)
        if parent is None or parent[2] != tree_id:
            problems.append(f"comment {pk}: parent {parent_id} not in its tree")
            continue
        if not parent[3] < lft < rght < parent[4] or level != parent[5] + 1:
            problems.append(f"comment {pk}: not nested inside parent {parent_id}")
        children[parent_id].append(nodes[pk])
    problems += [f"tree {t}: {len(r)} roots" for t, r in roots.items() if len(r) != 1]
    for parent_id, replies in children.items():
        by_lft = sorted(replies, key=lambda row: row[3])
        if [row[0] for row in by_lft] != sorted(row[0] for row in replies):
            problems.append(f"comment {parent_id}: replies not in the order written")
        for before, after in zip(by_lft, by_lft[1:], strict=False):
            if not before[4] < after[3]:
                problems.append(f"comments {before[0]} and {after[0]} overlap")
    return problems


def room_left(comment):
    """Numbers left in ``comment``'s interval after its last reply (comments.tree)."""
    comment.refresh_from_db()
    ends = Comment.objects.filter(parent=comment).values_list("rght", flat=True)
    return comment.rght - max(ends, default=comment.lft) - 1


def use_up_room(post, comment):
    """Reply to ``comment`` until a next reply would have to shift its thread."""
    while room_left(comment) >= PAIR:
        make_comment(post, parent=comment, body=f"Filling {room_left(comment)}.")
