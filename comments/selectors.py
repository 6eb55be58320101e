"""Reading a post's discussion: one query, one linear pass, no per-comment work later."""

from dataclasses import dataclass, field

from .models import Comment

# Only the columns the page shows.
THREAD_COLUMNS = (
    "id",
    "parent_id",
    "level",
    "author_name",
    "author_url",
    "body_html",
    "created_at",
    "status",
    "kind",
)


class ThreadNode:
    """One comment as the discussion page shows it."""

    __slots__ = (
        "id", "parent_id", "level", "author_name", "author_url", "body_html", "created_at",
        "status", "kind", "children", "number", "is_placeholder", "awaiting_moderation",
        "reply_count",  # every reply shown below this comment, at any depth
    )  # fmt: skip

    def __init__(self, row):
        (
            self.id,
            self.parent_id,
            self.level,
            self.author_name,
            self.author_url,
            self.body_html,
            self.created_at,
            self.status,
            self.kind,
        ) = row
        self.children = []
        self.number = None
        self.is_placeholder = self.status != Comment.Status.APPROVED
        self.awaiting_moderation = False
        self.reply_count = 0

    @property
    def author_link(self):
        """The author's website, only if it is a plain web address."""
        url = self.author_url
        return url if url.startswith(("http://", "https://")) else ""


@dataclass
class Discussion:
    """A post's discussion, ready to render."""

    comments: list = field(default_factory=list)  # top-level ThreadNodes, replies nested
    pingbacks: list = field(default_factory=list)  # pingbacks and trackbacks, flat
    comment_count: int = 0  # visible comments (not pingbacks), as readers count them


def build_discussion(rows, *, own_pending_ids=frozenset()):
    """Arrange rows given in MPTT order (tree_id, lft) into a Discussion.

    A hidden comment is kept as a placeholder only while a reply under it is shown, so a
    removed comment never takes its replies with it. Linear in the number of rows.
    """
    nodes = [ThreadNode(row) for row in rows]
    by_id = {node.id: node for node in nodes}
    own_pending = frozenset(own_pending_ids)
    shown = {}
    # Reverse preorder visits every child before its parent.
    for node in reversed(nodes):
        if node.status == Comment.Status.PENDING and node.id in own_pending:
            node.is_placeholder = False
            node.awaiting_moderation = True
        keep = not node.is_placeholder or bool(node.children)
        shown[node.id] = keep
        if keep and node.parent_id is not None:
            parent = by_id.get(node.parent_id)
            if parent is not None:
                parent.children.append(node)
                parent.reply_count += 1 + node.reply_count
    discussion = Discussion()
    for node in nodes:
        if not shown[node.id]:
            continue
        node.children.reverse()  # appended in reverse order above
        counted = not (node.is_placeholder or node.awaiting_moderation)
        if counted and node.kind == Comment.Kind.COMMENT:
            discussion.comment_count += 1
        if node.parent_id is None or node.parent_id not in by_id:
            if node.kind == Comment.Kind.COMMENT:
                discussion.comments.append(node)
            else:
                discussion.pingbacks.append(node)
    number = 0
    for node in discussion.comments:
        if not node.is_placeholder and not node.awaiting_moderation:
            number += 1
            node.number = number
    return discussion


def discussion_for(post, *, own_pending_ids=()):
    """The whole discussion of ``post`` in one query."""
    rows = Comment.objects.for_thread_page(post, own_pending_ids=own_pending_ids).values_list(
        *THREAD_COLUMNS
    )
    return build_discussion(rows, own_pending_ids=own_pending_ids)


def subtree_discussion(comment, *, own_pending_ids=()):
    """``comment`` (as just read: its lft/rght current) and every reply below it, in one query."""
    rows = (
        Comment.objects.for_thread_page(comment.post_id, own_pending_ids=own_pending_ids)
        .filter(tree_id=comment.tree_id, lft__gte=comment.lft, rght__lte=comment.rght)
        .values_list(*THREAD_COLUMNS)
    )
    discussion = build_discussion(rows, own_pending_ids=own_pending_ids)
    for root in discussion.comments:
        root.number = None  # numbers count the post's top-level comments, not this subtree's
    return discussion


def page_root_level(level, max_depth):
    """The level of the comment whose page shows a comment at ``level``; 0 is the post page.

    The post page shows levels 0 .. max_depth-1; a comment at the last shown level with replies
    links to its own page, which shows it and max_depth-1 more levels, and so on.
    """
    if level < max_depth:
        return 0
    step = max_depth - 1
    return (level - 1) // step * step
