"""Reading a post's discussion: one query, one linear pass, no per-comment work later."""

from dataclasses import dataclass, field

from .dates import DateLabeler
from .models import Comment

APPROVED = Comment.Status.APPROVED.value
PENDING = Comment.Status.PENDING.value
COMMENT = Comment.Kind.COMMENT.value

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
    """One comment as the discussion page shows it.

    Everything the template prints is a plain attribute, computed here once: a template pays
    for every property call and filter thousands of times on a big thread.
    """

    __slots__ = (
        "id", "parent_id", "level", "author_name", "author_url", "body_html", "created_at",
        "status", "kind", "children", "number", "is_placeholder", "awaiting_moderation",
        "reply_count",  # every reply shown below this comment, at any depth
        "author_link",  # the author's website, only if it is a plain web address
        "date_iso", "date_label", "date_exact",  # created_at as the page prints it
    )  # fmt: skip

    def __init__(self, row, label_date):
        (
            self.id,
            self.parent_id,
            self.level,
            self.author_name,
            self.author_url,
            self.body_html,
            created_at,
            self.status,
            self.kind,
        ) = row
        self.created_at, self.date_iso, self.date_label, self.date_exact = label_date(created_at)
        url = self.author_url
        self.author_link = url if url and url.startswith(("http://", "https://")) else ""
        self.children = []
        self.number = None
        self.is_placeholder = self.status != APPROVED
        self.awaiting_moderation = False
        self.reply_count = 0


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
    label_date = DateLabeler()
    nodes = [ThreadNode(row, label_date) for row in rows]
    by_id = {node.id: node for node in nodes}
    own_pending = frozenset(own_pending_ids)
    shown = {}
    # Reverse preorder visits every child before its parent.
    for node in reversed(nodes):
        if node.status == PENDING and node.id in own_pending:
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
        if counted and node.kind == COMMENT:
            discussion.comment_count += 1
        if node.parent_id is None or node.parent_id not in by_id:
            if node.kind == COMMENT:
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
