"""Rendering a post's discussion to HTML, one page at a time, through the cache."""

from dataclasses import asdict, dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .cache import cached_discussion, discussion_version
from .labels import count_labels
from .models import Comment
from .moderation import post_accepts_comments
from .selectors import comments_per_page, discussion_for
from .thread_html import ThreadWriter


def render_discussion(discussion, *, replies_open=True):
    """The thread's HTML. Every comment body in it is the stored, sanitised ``body_html``.

    ``replies_open``: whether the post takes comments; a closed post's comments have no Reply.
    """
    html = _thread_html(discussion, replies_open=replies_open)
    return mark_safe(html)  # noqa: S308 - escaped where written; body_html sanitised at write


def _thread_html(discussion, *, replies_open):
    """``render_discussion`` as a plain string: marking a string safe copies it, and a
    10,000-comment thread is 10 MB, so the cached page is marked once, when it is read."""
    writer = ThreadWriter(discussion, replies_open=replies_open, counted=count_labels())
    previous_label, next_label = page_link_labels(newest=discussion.newest)
    context = {
        "discussion": discussion,
        "previous_label": previous_label,
        "next_label": next_label,
        "comments_html": map(writer.comment, discussion.thread),
        "replies_open": replies_open,
    }
    return render_to_string("comments/discussion.html", context, using="jinja2")


def page_link_labels(*, newest):
    """The words of the links to the previous and the next page, as the sort order has them.

    Oldest first, page 1 holds the oldest threads, so the next page is newer; newest first,
    page 1 holds the newest, so the next page is older.
    """
    if newest:
        return gettext("Newer comments"), gettext("Older comments")
    return gettext("Older comments"), gettext("Newer comments")


@dataclass
class RenderedDiscussion:
    """One page of a discussion as HTML, with what the page around it shows."""

    html: str
    comment_count: int
    page_number: int
    num_pages: int


def _has_own_pending(post, own_pending_ids):
    return (
        bool(own_pending_ids)
        and Comment.objects.filter(
            post=post,
            pk__in=list(own_pending_ids),
            status__in=[Comment.Status.PENDING, Comment.Status.SPAM],
        ).exists()
    )


def discussion_html(post, *, page=1, own_pending_ids=(), index=None, newest=False):
    """A page of the post's discussion, rendered; ``InvalidPage`` if there is no such page.

    Readers share one cached rendering per (post, page, version); ``page`` is canonical (an
    int, see ``pages.requested_discussion_page``), so each page has one cache entry. A reader
    whose own comments still await moderation sees them in place: their page is rendered for
    them.
    ``index``: the post's ThreadIndex if the caller has already read it for this reader.
    ``newest``: the newest threads first (``?sort=newest``), cached apart from the default.
    """
    per_page = comments_per_page()
    # Part of the cache key: a post closes without any comment changing (the author's switch,
    # or COMMENTS_CLOSE_AFTER_DAYS passing), and its page must lose its Reply links at once.
    replies_open = post_accepts_comments(post)

    def build(own=()):
        discussion = discussion_for(
            post, own_pending_ids=own, page=page, per_page=per_page, index=index, newest=newest
        )
        html = _thread_html(discussion, replies_open=replies_open)
        return asdict(
            RenderedDiscussion(
                html=html,
                comment_count=discussion.comment_count,
                page_number=discussion.page_number,
                num_pages=discussion.num_pages,
            )
        )

    if _has_own_pending(post, own_pending_ids):
        fields = build(own_pending_ids)
    else:
        version = getattr(post, "discussion_version", None)
        if version is None:  # the post was read without selectors.with_discussion_version
            version = discussion_version(post.pk)
        order = "newest" if newest else "oldest"
        fields = cached_discussion(
            post.pk, version, page, per_page, build, order=order, replies_open=replies_open
        )
    rendered = RenderedDiscussion(**fields)
    rendered.html = mark_safe(rendered.html)  # noqa: S308 - rendered by the template above
    return rendered
