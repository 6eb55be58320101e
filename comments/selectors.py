"""Reading a post's discussion: one query, one linear pass, no per-comment work later."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import InvalidPage, Paginator
from django.db import connections
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .dates import DateLabeler
from .models import Comment
from .posts import published_posts
from .text import pingback_excerpt

APPROVED = Comment.Status.APPROVED.value
PENDING = Comment.Status.PENDING.value
SPAM = Comment.Status.SPAM.value
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
    "date_only",
    "status",
    "kind",
    "avatar_key",
    "by_post_author",
    "edited_at",
)


NO_CHILDREN = ()


class ThreadNode:
    """One comment as the discussion page shows it.

    Everything the page prints is a plain attribute, computed here once (comments/thread_html.py
    writes it): a big thread would pay for any property or filter thousands of times.
    """

    __slots__ = (
        "id", "parent_id", "level", "author_name", "author_url", "body_html", "created_at",
        "status", "kind", "avatar_key", "by_post_author", "edited_at", "edited_iso",
        "edited_label", "edited_exact", "children", "number", "is_placeholder",
        "awaiting_moderation",
        "reply_count",  # every reply shown below this comment, at any depth
        "author_link",  # the author's website, only if it is a plain web address
        "date_iso", "date_label", "date_exact",  # created_at as the page prints it
        "opens_replies",  # its replies follow it on this page
        "continues",  # it has replies, but too deep for this page: they are on its own page
        "closes",  # reply lists that end right after this comment (0 if it opens replies)
        "excerpt",  # pingbacks and trackbacks only: a short plain-text excerpt
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
            date_only,
            self.status,
            self.kind,
            self.avatar_key,
            self.by_post_author,
            edited_at,
        ) = row
        labels = label_date.day(created_at) if date_only else label_date(created_at)
        self.created_at, self.date_iso, self.date_label, self.date_exact = labels
        self.edited_at = edited_at
        if edited_at is not None:  # rare: only then are its labels made
            _local, self.edited_iso, self.edited_label, self.edited_exact = label_date(edited_at)
        url = self.author_url
        self.author_link = url if url and url.startswith(("http://", "https://")) else ""
        # Most comments have no replies: they share one empty tuple, and a list is made only
        # for a comment that gets replies. Fewer surviving objects per page means fewer runs
        # of Python's cycle collector over the whole heap (several ms of a 10,000-comment page).
        self.children = NO_CHILDREN
        self.number = None
        self.is_placeholder = self.status != APPROVED
        self.awaiting_moderation = False
        self.reply_count = 0
        self.opens_replies = self.continues = False
        self.closes = 0


@dataclass
class Discussion:
    """A post's discussion (or one page of it), ready to render."""

    comments: list = field(default_factory=list)  # top-level ThreadNodes, replies nested
    thread: list = field(default_factory=list)  # every shown comment in reading order
    pingbacks: list = field(default_factory=list)  # pingbacks and trackbacks, flat
    comment_count: int = 0  # visible comments (not pingbacks) of the whole post
    page_number: int = 1
    num_pages: int = 1
    page_links: list = field(default_factory=list)  # page numbers and Paginator.ELLIPSIS
    newest: bool = False  # newest threads first (?sort=newest): the page's links keep it


def build_discussion(rows, *, own_pending_ids=frozenset(), numbers_before=0, count_down_from=None):
    """Arrange rows given in MPTT order (tree_id, lft; or newest thread first) into a Discussion.

    A hidden comment is kept as a placeholder only while a reply under it is shown, so a
    removed comment never takes its replies with it. Top-level comments are numbered from
    ``numbers_before + 1`` (the count on earlier pages); newest first, they keep their
    numbers and count down from ``count_down_from``. Linear in the number of rows.
    """
    label_date = DateLabeler()
    nodes = [ThreadNode(row, label_date) for row in rows]
    by_id = {node.id: node for node in nodes}
    own_pending = frozenset(own_pending_ids)
    shadowed = getattr(own_pending_ids, "shadowed", frozenset())
    shown = {}
    # Reverse preorder visits every child before its parent.
    for node in reversed(nodes):
        if node.id in own_pending and node.status in (PENDING, SPAM):
            node.is_placeholder = False
            # A shadow-banned author's comment looks published to them, and only to them.
            node.awaiting_moderation = node.id not in shadowed
        keep = not node.is_placeholder or bool(node.children)
        shown[node.id] = keep
        if keep and node.parent_id is not None:
            parent = by_id.get(node.parent_id)
            if parent is not None:
                if parent.children:
                    parent.children.append(node)
                else:
                    parent.children = [node]
                parent.reply_count += 1 + node.reply_count
    discussion = Discussion()
    for node in nodes:
        if not shown[node.id]:
            continue
        if node.children:
            node.children.reverse()  # appended in reverse order above
        counted = not (node.is_placeholder or node.awaiting_moderation)
        if counted and node.kind == COMMENT:
            discussion.comment_count += 1
        if node.parent_id is None or node.parent_id not in by_id:
            if node.kind == COMMENT:
                discussion.comments.append(node)
            else:
                node.excerpt = pingback_excerpt(node.body_html)
                discussion.pingbacks.append(node)
    numbered = [
        node
        for node in discussion.comments
        if not node.is_placeholder and not node.awaiting_moderation
    ]
    if count_down_from is None:
        for number, node in enumerate(numbered, start=numbers_before + 1):
            node.number = number
    else:
        for offset, node in enumerate(numbered):
            node.number = count_down_from - offset
    discussion.thread = reading_order(discussion.comments, settings.COMMENTS_THREAD_MAX_DEPTH)
    return discussion


def reading_order(top_level, max_depth):
    """Every comment under ``top_level`` in reading (MPTT) order, down to ``max_depth`` levels.

    The template writes the nested lists in one flat loop, several times faster than a
    recursive one on big threads: a comment that ``opens_replies`` opens its reply list;
    after one that does not, ``closes`` reply lists end (back up to the next comment's
    level). A comment on the last level with replies ``continues`` on its own page instead.
    """
    order = []
    depths = []
    stack = [(node, 0) for node in reversed(top_level)]
    while stack:
        node, depth = stack.pop()
        order.append(node)
        depths.append(depth)
        node.opens_replies = node.continues = False
        node.closes = 0
        if node.children:
            if depth + 1 < max_depth:
                node.opens_replies = True
                stack.extend((child, depth + 1) for child in reversed(node.children))
            else:
                node.continues = True
    for position, node in enumerate(order):
        if not node.opens_replies:
            following = depths[position + 1] if position + 1 < len(order) else 0
            node.closes = depths[position] - following
    return order


@dataclass
class ThreadIndex:
    """The threads of a post a reader sees, in page order: what paging needs, no comment text.

    A thread is a top-level comment with all its replies (one MPTT tree). It is shown when any
    comment in it is shown; its top-level comment is numbered when it is visible itself.
    """

    comment_threads: list  # tree_ids of the shown comment threads, in order
    numbered: list  # for each of those: does its top-level comment get a number?
    pingback_threads: list  # tree_ids of the shown pingbacks/trackbacks (after the comments)
    comment_count: int  # visible comments (not pingbacks) of the post

    def threads(self, newest=False):
        return self.comment_threads[::-1] if newest else self.comment_threads

    def paginator(self, per_page, newest=False):
        return Paginator(self.threads(newest), per_page)

    def numbers_before(self, first, newest=False):
        """How many numbered threads come before position ``first`` in this order."""
        numbered = self.numbered[::-1] if newest else self.numbered
        return sum(numbered[:first])

    def page_of(self, tree_id, per_page, newest=False):
        """The page (from 1) that shows thread ``tree_id``; the last page for pingbacks."""
        try:
            position = self.threads(newest).index(tree_id)
        except ValueError:
            if tree_id in self.pingback_threads:
                return self.paginator(per_page, newest).num_pages
            return 1
        return position // per_page + 1


def thread_index(post, *, own_pending_ids=()):
    """One grouped query over the post's comments: every thread's visibility and numbering."""
    shown = Q(status=APPROVED)
    if own_pending_ids:
        shown |= Q(pk__in=list(own_pending_ids), status__in=[PENDING, SPAM])
    counts = (
        Comment.objects.filter(post=post)
        .values("tree_id")
        # Counting tree_id (never null) rather than pk keeps this an index-only scan of
        # comment_thread_idx: no comment row is read.
        .annotate(
            shown=Count("tree_id", filter=shown),
            visible=Count("tree_id", filter=Q(status=APPROVED, kind=COMMENT)),
            root_is_comment=Count("tree_id", filter=Q(level=0, kind=COMMENT)),
            root_visible=Count("tree_id", filter=Q(level=0, status=APPROVED)),
        )
        .order_by("tree_id")
        .values_list("tree_id", "shown", "visible", "root_is_comment", "root_visible")
    )
    # Run as compiled, on the database the router chose (a replica may serve it), without
    # the ORM's per-value converters: the counts come back as ints already, and converting
    # four of them on each of a big post's ~3,000 threads cost ~6 ms of the page's CPU
    # (bench/scale.py's 10,000-comment post, cold: thread_index 11 → 4–5 ms of CPU).
    sql, params = counts.query.get_compiler(using=counts.db).as_sql()
    with connections[counts.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    index = ThreadIndex([], [], [], 0)
    for tree_id, shown_count, visible, root_is_comment, root_visible in rows:
        index.comment_count += visible
        if not shown_count:
            continue
        if root_is_comment:
            index.comment_threads.append(tree_id)
            index.numbered.append(bool(root_visible))
        else:
            index.pingback_threads.append(tree_id)
    return index


PAGE_PARAM = "cpage"  # ?cpage=N: the Nth page of a post's discussion
SORT_PARAM = "sort"  # ?sort=newest: newest top-level threads first (default: oldest first)
NEWEST = "newest"


def newest_first(request):
    """Whether the reader asked for the newest threads first."""
    return request.GET.get(SORT_PARAM) == NEWEST


def order_query(request):
    """The reader's order as a query string to carry along ("" for the default order)."""
    return f"?{SORT_PARAM}={NEWEST}" if newest_first(request) else ""


def comments_per_page():
    """Top-level comments (with all their replies) per discussion page; 0 means no paging."""
    return settings.COMMENTS_PER_PAGE


def discussion_for(post, *, own_pending_ids=(), page=1, per_page=None, index=None, newest=False):
    """One page of the discussion of ``post``, paged by top-level comment.

    Two queries when paged (the thread index unless given, then the page's threads), one
    when not. ``newest``: the newest threads first (replies stay in their order); pingbacks
    stay last. Raises ``django.core.paginator.InvalidPage`` for a page that does not exist.
    """
    per_page = comments_per_page() if per_page is None else per_page
    thread = Comment.objects.for_thread_page(post, own_pending_ids=own_pending_ids)
    if newest:
        thread = thread.order_by("-tree_id", "lft")
    if per_page <= 0:
        if str(page) != "1":
            raise InvalidPage("The discussion has only one page.")
        rows = thread.values_list(*THREAD_COLUMNS)
        discussion = build_discussion(rows, own_pending_ids=own_pending_ids)
        if newest:
            _number_newest_first(discussion)
            discussion.newest = True
        return discussion

    if index is None:
        index = thread_index(post, own_pending_ids=own_pending_ids)
    paginator = index.paginator(per_page, newest)
    current = paginator.page(page)
    tree_ids = list(current.object_list)
    if not current.has_next():
        tree_ids += index.pingback_threads
    first = current.start_index() - 1 if tree_ids else 0
    rows = thread.filter(tree_id__in=tree_ids).values_list(*THREAD_COLUMNS) if tree_ids else ()
    before = index.numbers_before(first, newest)
    discussion = build_discussion(
        rows,
        own_pending_ids=own_pending_ids,
        numbers_before=before,
        count_down_from=sum(index.numbered) - before if newest else None,
    )
    discussion.comment_count = index.comment_count
    discussion.newest = newest
    discussion.page_number = current.number
    discussion.num_pages = paginator.num_pages
    discussion.page_links = list(paginator.get_elided_page_range(current.number))
    return discussion


def _number_newest_first(discussion):
    """Numbers as in the oldest-first order (the first comment is 1), on a newest-first page."""
    numbered = [
        node
        for node in discussion.comments
        if not node.is_placeholder and not node.awaiting_moderation
    ]
    for offset, node in enumerate(numbered):
        node.number = len(numbered) - offset


def discussion_page_of(post, tree_id, *, own_pending_ids=(), per_page=None, newest=False):
    """(page number that shows the thread ``tree_id`` of ``post``, the ThreadIndex or None)."""
    per_page = comments_per_page() if per_page is None else per_page
    if per_page <= 0:
        return 1, None
    index = thread_index(post, own_pending_ids=own_pending_ids)
    return index.page_of(tree_id, per_page, newest), index


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


def _count_per_post(comments):
    """How many of ``comments`` each post of the outer query has: a subquery correlated to the
    post, so it runs for the rows the outer query returns (a page of posts), through
    comment_thread_idx (post, tree_id) INCLUDE (level, status, kind) as an index-only scan,
    instead of counting every comment of the site before a page of posts is taken. A count
    the outer query does not use (a paginator's count) is left out of it by Django. (Rows an
    OFFSET skips are counted too: see ``attach_comment_counts``.)"""
    counted = (
        comments.filter(post=OuterRef("pk"))
        .order_by()
        .values("post")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def with_comment_counts(posts):
    """``posts`` annotated with ``comment_count``: the comments a reader sees on each, for
    ordering by it (the post admin); a paged list shows them with ``attach_comment_counts``."""
    visible = Comment.objects.filter(status=APPROVED, kind=COMMENT)
    return posts.annotate(comment_count=_count_per_post(visible))


def comment_counts(post_ids):
    """``{post id: visible comments (not pingbacks)}`` for these posts, in one query through
    comment_thread_idx (an index-only scan of their entries: ``COUNT(*)``, as counting ids
    would read every row). A post without any is absent."""
    visible = Comment.objects.filter(status=APPROVED, kind=COMMENT, post_id__in=post_ids)
    return dict(visible.order_by().values_list("post_id").annotate(n=Count("*")))


def attach_comment_counts(posts):
    """``posts`` (a page of them) as a list, each with its ``comment_count``.

    For a list that is paged: ``with_comment_counts`` would count, in PostgreSQL, the comments
    of every post the page's OFFSET skips as well (the select list is computed before the
    rows are skipped), 1.2 s for the last of 1,000 pages at a million comments."""
    posts = list(posts)
    counts = comment_counts([post.pk for post in posts])
    for post in posts:
        post.comment_count = counts.get(post.pk, 0)
    return posts


def with_pending_counts(posts):
    """``posts`` annotated with ``pending_count``: their comments awaiting moderation."""
    pending = Comment.objects.filter(status=PENDING)
    return posts.annotate(pending_count=_count_per_post(pending))


# --- The admin's thread view -------------------------------------------------------------

ADMIN_THREAD_FIELDS = (
    "id", "parent_id", "level", "author_name", "author_email", "body", "status", "kind",
    "created_at", "ip_address", "spam_score", "spam_reasons",
)  # fmt: skip


def admin_thread_page(focus, *, page=None):
    """One page of ``focus``'s whole thread, in tree order, every status included.

    ``COMMENTS_ADMIN_THREAD_PER_PAGE`` rows a page, so a thread of any size or depth costs
    the same (the 5,000-deep thread was a 3 MB page). Without ``page``, the page that shows
    ``focus``. Two queries on the (tree_id, lft) index: the size and position, the rows.
    """
    rows = Comment.objects.filter(tree_id=focus.tree_id).order_by("lft")
    sizes = rows.aggregate(total=Count("pk"), before=Count("pk", filter=Q(lft__lt=focus.lft)))
    paginator = Paginator(rows.only(*ADMIN_THREAD_FIELDS), settings.COMMENTS_ADMIN_THREAD_PER_PAGE)
    paginator.count = sizes["total"]  # a cached_property: counted above, not again
    if page is None:
        page = sizes["before"] // paginator.per_page + 1
    return paginator.get_page(page)


def latest_visible_comments(*, limit, post=None):
    """The newest comments a reader sees (approved, on a published post), newest first, with
    their post: what the comment feeds list. Served by ``comment_queue_idx`` (status,
    created_at) site-wide and by the thread index for one post."""
    comments = Comment.objects.visible().filter(post__in=published_posts())
    if post is not None:
        comments = comments.filter(post=post)
    return (
        comments.select_related("post")
        .only(
            "id",
            "author_name",
            "author_url",
            "body_html",
            "created_at",
            "kind",
            "post__id",
            "post__slug",
            "post__title",
        )  # fmt: skip
        .order_by("-created_at", "-id")[:limit]
    )


# What an export writes of each comment (blogapp.exporters), in this order.
EXPORT_COLUMNS = (
    "id", "parent_id", "author_name", "author_email", "author_url", "ip_address", "body",
    "body_html", "created_at", "status", "kind", "edited_at", "date_only", "source", "source_id",
)  # fmt: skip


def comments_for_export(post_id, *, chunk_size=2000):
    """Every comment of a post as ``EXPORT_COLUMNS`` tuples, in tree order, streamed.

    Parents come before their replies and siblings keep their order, so a reader of the
    export can rebuild the tree in one pass. On PostgreSQL the rows come through a
    server-side cursor, ``chunk_size`` at a time: memory stays flat however big the post.
    """
    return (
        Comment.objects.filter(post_id=post_id)
        .order_by("tree_id", "lft")
        .values_list(*EXPORT_COLUMNS)
        .iterator(chunk_size=chunk_size)
    )


def comment_id_by_source(*, post_id, source, source_id):
    """The id of the imported comment of ``post_id`` known by ``(source, source_id)``, or None;
    None too for a comment readers cannot see (its permalink is not found either)."""
    return (
        Comment.objects.visible()
        .filter(source=source, source_id=source_id, post_id=post_id)
        .values_list("pk", flat=True)
        .first()
    )


def with_discussion_version(posts):
    """``posts`` annotated with ``discussion_version`` (``DiscussionState``; 0 before any
    change), read in the posts' own query: the key of the cached discussion costs no query."""
    return posts.annotate(discussion_version=Coalesce(F("discussion_state__version"), 0))


def with_discussion_changed_at(posts):
    """``posts`` annotated with ``discussion_changed_at``: when their discussion last changed
    (a comment shown, edited, hidden or removed), None if never since it was kept."""
    return posts.annotate(discussion_changed_at=F("discussion_state__changed_at"))
