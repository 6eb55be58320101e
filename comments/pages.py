"""What a page needs to show a post's discussion and the comment form: the context helpers.

The site's post page calls ``discussion_context``; this app's own views (the form sent back
with errors, a comment's thread page) build their context here too, so every page that shows
a discussion shows it the same way.
"""

import re
import secrets

from django.core.paginator import InvalidPage
from django.http import Http404, HttpResponsePermanentRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from .forms import CommentForm
from .models import Comment
from .moderation import post_accepts_comments
from .notices import with_notices
from .ownership import with_own_actions
from .privacy import privacy_note
from .remember import remembered_author
from .rendering import discussion_html, render_discussion
from .selectors import (
    PAGE_PARAM,
    discussion_page_of,
    newest_first,
    order_query,
    subtree_discussion,
)

OWN_PENDING_SESSION_KEY = "own_pending_comment_ids"
OWN_SHADOWED_SESSION_KEY = "own_shadowed_comment_ids"
OWN_PENDING_KEPT = 50  # the newest held comments a visitor's session remembers
# From this many comments on, a discussion also offers "Leave a comment" at its top: the form
# is at its end, several screens down.
LONG_DISCUSSION = 5


class OwnComments(frozenset):
    """Ids of this visitor's own comments that others do not see (held or spam);
    ``shadowed``: those of a shadow-banned author, shown to them as if published."""

    shadowed = frozenset()


def own_pending_ids(request):
    """Ids of the comments this visitor wrote that may still await moderation."""
    own = OwnComments(request.session.get(OWN_PENDING_SESSION_KEY, []))
    own.shadowed = frozenset(request.session.get(OWN_SHADOWED_SESSION_KEY, []))
    return own


def remember_own_pending(request, comment, *, shadowed=False):
    """Let the visitor who wrote a held comment see it in place until it is moderated
    (``shadowed``: as if published, for good)."""
    for key, wanted in ((OWN_PENDING_SESSION_KEY, True), (OWN_SHADOWED_SESSION_KEY, shadowed)):
        own = request.session.get(key, [])
        if wanted and comment.pk not in own:
            request.session[key] = [*own, comment.pk][-OWN_PENDING_KEPT:]


def _reply_target(post, raw_id, own_shadowed=frozenset()):
    """The comment a reply form answers, if ``raw_id`` names one this reader may reply to: one
    every reader sees, or one of their own shadow-banned comments (shown to them as published,
    so answering it must work as it would for anyone)."""
    try:
        comment_id = int(raw_id)
    except (TypeError, ValueError):
        return None
    candidates = Comment.objects.replyable()
    if comment_id in own_shadowed:
        candidates = Comment.objects.comments()
    return (
        candidates.filter(post=post, pk=comment_id)
        .only("id", "author_name", "post_id", "tree_id")
        .first()
    )


CANONICAL_PAGE = re.compile(r"[1-9][0-9]*")  # how the page's own links write a page


def _page_number(raw):
    """The page a ``?cpage=`` value means, however it is spelt (``01``, ``+1``, `` 1``); None
    if it means no page at all."""
    if not raw or len(raw) > 20 or not raw.strip().lstrip("+").isascii():
        return None
    try:
        number = int(raw)
    except ValueError:
        return None
    return number if number >= 1 else None


def canonical_page_redirect(request):
    """A 301 to the canonical spelling of ``?cpage=`` (``01``, ``+1``, ``0_1`` → ``1``),
    other parameters kept; None when the address is canonical (or names no page: 404 later).

    One page, one address, one cache entry: every spelling would otherwise render the page
    again and fill the cache with copies of it.
    """
    raw = request.GET.get(PAGE_PARAM)
    if raw is None or CANONICAL_PAGE.fullmatch(raw) and len(request.GET.getlist(PAGE_PARAM)) == 1:
        return None
    number = _page_number(raw)
    if number is None:
        return None
    query = request.GET.copy()
    query.setlist(PAGE_PARAM, [str(number)])
    return HttpResponsePermanentRedirect(f"{request.path}?{query.urlencode()}")


def requested_discussion_page(request):
    """The page ``?cpage=`` asks for, as an int; ``Http404`` if it names no page."""
    raw = request.GET.get(PAGE_PARAM)
    number = _page_number(raw) if raw is not None else None
    if number is None or not CANONICAL_PAGE.fullmatch(raw):
        raise Http404(gettext("No such page of comments."))
    return number


def _discussion_page(request, post, reply_to, own_pending, newest):
    """(page asked for by ``?cpage=N``, else the page of the comment replied to; its index)."""
    if PAGE_PARAM in request.GET:
        return requested_discussion_page(request), None
    if reply_to is not None:
        return discussion_page_of(
            post, reply_to.tree_id, own_pending_ids=own_pending, newest=newest
        )
    return 1, None


def author_initial(request):
    """The form's author fields filled in: a logged-in staff user as themselves, else what
    this browser saved ("Save my name…"). The form is rendered per request, never cached."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_staff:
        return {"name": user.get_full_name() or user.get_username(), "email": user.email}
    saved = remembered_author(request)
    if saved is None:
        return {}
    return {**saved, "remember": True}


def comment_form_context(request, post, *, form=None, default_reply_to=None, preview_html=""):
    """The comment form, the comment it answers (from ``?replyto=``, the posted form, or
    ``default_reply_to``) and whether the post takes comments at all."""
    shadowed = own_pending_ids(request).shadowed  # this reader's hidden comments answer too
    if form is None:
        requested = request.GET.get("replyto")
        reply_to = _reply_target(post, requested, shadowed) if requested else default_reply_to
        form = CommentForm(
            initial={"parent": reply_to.pk if reply_to else None, **author_initial(request)}
        )
        reply_refused = bool(requested) and reply_to is None
    else:
        requested = form.data.get("parent")
        reply_to = _reply_target(post, requested, shadowed) if requested else None
        reply_refused = False
    return {
        "comment_form": form,
        "reply_to": reply_to,
        "reply_refused": reply_refused,
        "comments_open": post_accepts_comments(post),
        "preview_html": preview_html,
        "privacy_note": privacy_note(),
        # The reader's order as a query string: sent with the form, so the new comment is
        # shown in that order; a thread page's way back keeps it too.
        "order_query": order_query(request),
    }


def discussion_context(request, post, *, form=None, preview_html=""):
    """A page of the post's discussion and the comment form; ``Http404`` for a missing page.

    ``form``: a comment form sent back with its errors, or with its preview (``preview_html``).
    """
    own_pending = own_pending_ids(request)
    form_context = comment_form_context(request, post, form=form, preview_html=preview_html)
    newest = newest_first(request)
    page, index = _discussion_page(request, post, form_context["reply_to"], own_pending, newest)
    try:
        discussion = discussion_html(
            post, page=page, own_pending_ids=own_pending, index=index, newest=newest
        )
    except InvalidPage as missing:
        raise Http404(gettext("No such page of comments.")) from missing
    long_discussion = discussion.comment_count >= LONG_DISCUSSION
    return {
        "discussion": discussion,
        "discussion_html": for_this_reader(request, discussion.html),
        "jump_to_form": form_context["comments_open"] and long_discussion,
        **form_context,
    }


def for_this_reader(request, html):
    """A copy of the shared rendering (``html``) with what is this reader's alone: Edit and
    Delete on their own recent comments, and what they are told about a comment they just
    posted, edited or deleted."""
    return with_notices(request, with_own_actions(request, html))


class DiscussionPageResponse(TemplateResponse):
    """A page that shows ``discussion_html`` (from ``discussion_context``), with that HTML
    kept out of the template engine and encoded on its own.

    Why: a big discussion is most of the page (10 MB at 10,000 comments). Django's template
    engine copies a printed value at every level of nesting (a join and a SafeString per
    block), and the response encodes the finished page as one string, so a single non-ASCII
    character anywhere around the discussion (the title's "·") makes UTF-8 encoding walk all
    of it character by character. Rendered around a short stand-in instead, the page's content
    is its three parts, each encoded on its own (``HttpResponse`` joins the bytes): the same
    bytes, and a discussion of plain ASCII is copied instead of re-encoded.
    """

    @property
    def rendered_content(self):
        """The page as its parts: what precedes the discussion, the discussion, what follows."""
        html = (self.context_data or {}).get("discussion_html")
        if not html:
            return super().rendered_content
        stand_in = f"<!--discussion-{secrets.token_hex(8)}-->"  # never in a page by chance
        context = self.context_data
        self.context_data = {**context, "discussion_html": mark_safe(stand_in)}  # noqa: S308
        try:
            page = super().rendered_content
        finally:
            self.context_data = context
        parts = page.split(stand_in)
        if len(parts) != 2:  # printed more than once, or not at all
            return html.join(parts)
        return [parts[0], html, parts[1]]


def thread_page_context(request, post, comment, *, form=None, preview_html=""):
    """Everything a comment's thread page shows, or None if nothing of that thread is visible.

    ``comment`` is the thread's root, as just read (its lft/rght current), of ``post``; ``form``
    is a comment form sent from that page and shown again with its errors.
    """
    discussion = subtree_discussion(comment, own_pending_ids=own_pending_ids(request))
    if not discussion.comments:
        return None
    root = discussion.comments[0]
    form_context = comment_form_context(
        request,
        post,
        form=form,
        default_reply_to=comment if answers_root(root) else None,
        preview_html=preview_html,
    )
    return {
        "post": post,
        "root": root,
        "parent_id": comment.parent_id,
        "discussion_html": for_this_reader(
            request, render_discussion(discussion, replies_open=form_context["comments_open"])
        ),
        **form_context,
    }


def form_page_address(request, post, thread_id=None):
    """The address of the page a comment form is on: the thread page it was sent from
    (``thread_id``, its root comment), or else the post, in the reader's order (``?sort=``).

    A form sent back with its errors or its preview answers its POST at the form's own
    address, which is no page to come back to: the language switcher there returns here, and
    a GET of the form's address is sent here."""
    if thread_id is None:
        url = post.get_absolute_url()
    else:
        url = reverse("comments:thread", kwargs={"comment_id": thread_id})
    return url + order_query(request)


def answers_root(root):
    """Whether a thread page's new form answers its root: not if it only shows as a placeholder."""
    return not (root.is_placeholder or root.awaiting_moderation)
