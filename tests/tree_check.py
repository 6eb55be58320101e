"""Recomputing a comment forest's MPTT fields from parent links alone."""

from collections import defaultdict

from comments.models import Comment


def stored_tree_fields(**filters):
    """{id: (tree_id, lft, rght, level)} as stored."""
    rows = Comment.objects.filter(**filters).values_list("id", "tree_id", "lft", "rght", "level")
    return {pk: fields for pk, *fields in rows for fields in [tuple(fields)]}


def expected_tree_fields(**filters):
    """{id: (tree_id, lft, rght, level)} recomputed from parent links.

    Siblings are ordered by id: comments are appended as the last child, and under the
    per-thread lock ids are handed out in insertion order. Roots keep their stored tree_id
    (each must be distinct); the tree_id of every other node must be its root's.
    """
    rows = list(Comment.objects.filter(**filters).values_list("id", "parent_id", "tree_id"))
    children = defaultdict(list)
    roots = []
    for pk, parent_id, tree_id in sorted(rows):
        if parent_id is None:
            roots.append((pk, tree_id))
        else:
            children[parent_id].append(pk)
    expected = {}
    for root, tree_id in roots:
        counter = 1
        # Iterative depth-first walk: threads can be deeper than Python's recursion limit.
        stack = [(root, 0, False)]
        lefts = {}
        while stack:
            pk, level, leaving = stack.pop()
            if leaving:
                expected[pk] = (tree_id, lefts[pk], counter, level)
                counter += 1
                continue
            lefts[pk] = counter
            counter += 1
            stack.append((pk, level, True))
            for child in reversed(children[pk]):
                stack.append((child, level + 1, False))
    return expected
