import logging

from django.conf import settings
from django.db import DatabaseError, InterfaceError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from . import antispam, moderation, ownership, remember, submission
from .antispam import client_ip
from .avatars import gravatar_url, identicon_svg
from .forms import AuthorEditForm, CommentForm, CommentPreviewForm
from .models import Comment
from .notices import notice
from .notifications.subscriptions import address_confirmed
from .pages import (
    discussion_context,
    form_page_address,
    own_pending_ids,
    remember_own_pending,
    thread_page_context,
)
from .posts import post_detail_template, post_model, published_posts
from .selectors import (
    PAGE_PARAM,
    discussion_page_of,
    newest_first,
    order_query,
    page_root_level,
)
from .services import (
    AlreadySubmitted,
    CommentRejected,
    NotEditable,
    comment_author_delete,
    comment_author_edit,
    comment_create,
)
from .spamfilter.features import Signals
from .text import ends_sentence, render_markdown

logger = logging.getLogger(__name__)
# Every way the database can fail a request: a connection found closed after the server went
# away is Django's InterfaceError, which is no DatabaseError.
DATABASE_FAILURES = (DatabaseError, InterfaceError)

SAVE_FAILED = gettext_lazy(
    "Sorry, your comment could not be saved because of a problem on our side. "
    "Nothing was posted; your text is kept below, please try again in a moment."
)
COOKIE_MISSING = gettext_lazy(
    "Your comment was not posted: your browser did not send this site's security cookie "
    "(cookies may be blocked, or were cleared while the page was open). Your text is kept "
    "below; please send it again. If this happens again, allow cookies for this site."
)
EDIT_NOT_VERIFIED = gettext_lazy(
    "Your change was not saved: your browser did not send this site's security cookie "
    "(cookies may be blocked, or were cleared while the page was open). Your text is kept "
    "below; please save it again. If this happens again, allow cookies for this site."
)
EDIT_FAILED = gettext_lazy(
    "Sorry, your change could not be saved because of a problem on our side. "
    "Nothing was changed; your text is kept below, please try again in a moment."
)
# What a commenter who ticked a notification box is told, by what they asked for
# ((replies to their comment, new comments on the post): (to confirm, confirmed already)).
SUBSCRIPTION_NOTICES = {
    (True, False): (
        gettext_lazy(
            "To get replies to your comment by mail, confirm with the link we sent to your address."
        ),
        gettext_lazy(
            "You will get replies to your comment by mail; every mail has an unsubscribe link."
        ),
    ),
    (False, True): (
        gettext_lazy("To get new comments by mail, confirm with the link we sent to your address."),
        gettext_lazy("You will get new comments by mail; every mail has an unsubscribe link."),
    ),
    (True, True): (
        gettext_lazy(
            "To get replies to your comment and new comments on this post by mail, confirm "
            "with the link we sent to your address."
        ),
        gettext_lazy(
            "You will get replies to your comment and new comments on this post by mail; every "
            "mail has an unsubscribe link."
        ),
    ),
}
# The comment form's hidden field on a thread page (templates/comments/form.html): the id of
# the comment the page is about.
THREAD_FIELD = "thread"
# The comment form's Preview button (templates/comments/form.html): scripts rely on the name.
PREVIEW_FIELD = "preview"


def _not_changeable_message(window):
    """The refusal, naming the edit window of ``window`` seconds in the unit that is true: a
    window that is not a whole number of minutes (30 s, 90 s) is told in seconds, never
    rounded to "1 minute"."""
    if window < 60 or window % 60:
        seconds = max(window, 0)
        return ngettext(
            "This comment can no longer be edited or deleted here. A comment can be changed for "
            "%(seconds)s second after it was written, and only from the browser that wrote it.",
            "This comment can no longer be edited or deleted here. A comment can be changed for "
            "%(seconds)s seconds after it was written, and only from the browser that wrote it.",
            seconds,
        ) % {"seconds": seconds}
    minutes = window // 60
    return ngettext(
        "This comment can no longer be edited or deleted here. A comment can be changed for "
        "%(minutes)s minute after it was written, and only from the browser that wrote it.",
        "This comment can no longer be edited or deleted here. A comment can be changed for "
        "%(minutes)s minutes after it was written, and only from the browser that wrote it.",
        minutes,
    ) % {"minutes": minutes}


def _remember_own_pending(request, comment):
    if comment.shadow_banned:
        # Shown to its author's session as if published; nobody else ever sees it.
        remember_own_pending(request, comment, shadowed=True)
    elif comment.status in (Comment.Status.PENDING, Comment.Status.SPAM):
        # Stored as spam by the filter, it is kept for review: to its author, it awaits
        # moderation (a person wrongly judged is told the truth, a spammer learns nothing).
        remember_own_pending(request, comment)


def _already_posted(request, comment_id):
    notice(request, gettext("Your comment was already posted; here it is."), comment_id=comment_id)
    return redirect("comments:permalink", comment_id=comment_id)


def _wrote(request, comment_id):
    """Whether this browser wrote comment ``comment_id`` (lately: in its edit window, or
    while it awaits moderation)."""
    return comment_id is not None and (
        comment_id in ownership.editable_ids(request) or comment_id in own_pending_ids(request)
    )


def _rate_limited(request, post, allowance):
    context = {
        "post": post,
        "retry_after": allowance.retry_after,
        "too_many_attempts": allowance.too_many_attempts,
        "body": request.POST.get("body", ""),
        "page_address": form_page_address(request, post),
    }
    response = render(request, "comments/rate_limited.html", context, status=429)
    response["Retry-After"] = str(allowance.retry_after)
    return response


def _is_staff(request):
    return request.user.is_authenticated and request.user.is_staff


def _preview(request, post, form):
    """The form shown again with its text rendered above it; nothing is stored."""
    retry_after = antispam.preview_retry_after(client_ip(request))
    if retry_after is not None:
        form.is_valid()
        form.add_error(None, _too_many_previews(retry_after))
        response = _show_form_again(request, post, form, 429)
        response["Retry-After"] = str(retry_after)
        return response
    preview_html = render_markdown(form.cleaned_data["body"]) if form.is_valid() else ""
    return _show_form_again(request, post, form, 200, preview_html=preview_html)


def _too_many_previews(retry_after):
    return ngettext(
        "Too many previews in a short time: please wait %(seconds)d second and try again.",
        "Too many previews in a short time: please wait %(seconds)d seconds and try again.",
        retry_after,
    ) % {"seconds": retry_after}


def _to_the_form(request, slug):
    """A GET of a form's POST address (the page a form came back on, reloaded or bookmarked):
    the page the form is on, at the form, rather than a bare "405 Method Not Allowed"."""
    post = get_object_or_404(published_posts().only("pk", "slug"), slug=slug)
    return redirect(f"{form_page_address(request, post)}#respond")


@require_http_methods(["GET", "HEAD", "POST"])
def post_comment(request, slug):
    """Receive the comment form; redirect to the new comment, or show the form again.

    Whatever the database does, the typed text is never lost: if it fails before the comment
    is committed, the "try again" page (HTTP 503) is rendered from the posted form alone; if
    it fails after, the comment is there, and the reader is sent to it.
    """
    if request.method != "POST":
        return _to_the_form(request, slug)
    committed = []  # the comment this request created, once its transaction has committed
    try:
        return _receive_comment(request, slug, committed)
    except DATABASE_FAILURES:
        if committed:
            logger.exception("After comment %s was saved, the database failed", committed[0])
            return redirect(committed[0].get_absolute_url())
        logger.exception("The database failed while a comment on %r was posted", slug)
        return _save_failed(request, slug)


def _receive_comment(request, slug, committed):
    # The post's text is only shown again if the form has errors (then loaded on demand).
    post = get_object_or_404(published_posts().defer("body", "body_html"), slug=slug)
    if PREVIEW_FIELD in request.POST:
        return _preview(request, post, CommentForm(request.POST))
    ip = client_ip(request)
    if _is_staff(request):
        # The site's own people answer many comments in a row (WordPress spares its
        # moderators the flood check too): the rate limit is for visitors.
        return _take_comment(request, post, ip, antispam.Allowance(), committed)
    with antispam.comment_allowance(ip) as allowance:
        if allowance.retry_after is not None:
            return _rate_limited(request, post, allowance)
        return _take_comment(request, post, ip, allowance, committed)


def _take_comment(request, post, ip, allowance, committed):
    """Validate and store the posted comment (``allowance.keep()`` once it is stored); the
    redirect to it, or the form shown again."""
    form = CommentForm(request.POST)
    if not moderation.post_accepts_comments(post):
        # Said first: no other problem with the form matters any more.
        form.refuse(CommentRejected(gettext("Comments are closed on this post."), code="closed"))
    elif form.is_valid():
        data = form.cleaned_data
        key = data["submission_key"]
        try:
            comment = comment_create(
                post=post,
                parent_id=data["parent"],
                shadowed_parents=own_pending_ids(request).shadowed,
                author_name=data["name"],
                author_email=data["email"],
                author_url=data["url"],
                body=data["body"],
                ip_address=ip,
                submission_key=key,
                signals=Signals(seconds_to_post=submission.seconds_since_signed(data["token"])),
                reject_duplicates=True,
                notify_replies=data["notify_replies"],
                notify_post=data["notify_post"],
                # Staff logged in on the site comment as themselves, held by nobody.
                status=Comment.Status.APPROVED if _is_staff(request) else None,
                author_user=request.user if _is_staff(request) else None,
            )
        except AlreadySubmitted as repeat:
            return _already_posted(request, repeat.comment.pk)
        except CommentRejected as rejection:
            if rejection.code == "duplicate" and _wrote(request, rejection.comment_id):
                # Sent again from a page reloaded after posting: the comment is there.
                return _already_posted(request, rejection.comment_id)
            form.add_error(None, rejection)
            if rejection.code == "form_reused":
                form.renew_token()
        except DATABASE_FAILURES:
            # Should a twin request still have won the race for this form's key, show its
            # comment (a database that is down fails this look-up too: the page below).
            earlier = submission.comment_for_key(key)
            if earlier is not None:
                return _already_posted(request, earlier.pk)
            logger.exception("Saving a comment on post %s failed", post.pk)
            return _save_failed(request, post.slug, form)
        else:
            committed.append(comment)
            allowance.keep()
            _remember_own_pending(request, comment)
            asked = (bool(data["notify_replies"]), bool(data["notify_post"]))
            if any(asked):
                to_confirm, confirmed = SUBSCRIPTION_NOTICES[asked]
                told = confirmed if address_confirmed(data["email"]) else to_confirm
                notice(request, told, comment_id=comment.pk)
            # To the new comment, in the order the reader was reading (?sort= of the form).
            response = redirect(comment.get_absolute_url() + order_query(request))
            ownership.grant(request, response, comment)
            return remember.apply_choice(request, response, data)
    return _show_form_again(request, post, form, status=200)


def _save_failed(request, slug, form=None):
    """The "try again" page (HTTP 503): the posted form with its text, rendered from the
    request alone, without a database query, so it also answers when the database is down.

    The form's one-time key is kept: if the comment did reach the database after all, sending
    the form again leads to it rather than to a second copy.
    """
    response = _form_kept(request, slug, SAVE_FAILED, status=503, form=form)
    response["Retry-After"] = "5"
    return response


def comment_not_verified(request, slug):
    """The comment form shown again with its text (HTTP 403), ready to send once more, after
    the CSRF check refused it for want of the cookie. The site's CSRF failure view calls this
    only for a form sent from the site's own page (its Origin), never for a forged one."""
    return _form_kept(request, slug, COOKIE_MISSING, status=403)


def _form_kept(request, slug, message, *, status, form=None):
    """The posted comment form with its text and ``message``, rendered from the request
    alone (no database query)."""
    if form is None:
        form = CommentForm(request.POST)
        form.is_valid()  # the fields' own checks only: no database
    form.add_error(None, message)
    thread = request.POST.get(THREAD_FIELD, "")
    thread_id = int(thread) if thread.isdigit() else None
    # Only what the form's template asks of the post: its slug and address.
    post = post_model()(slug=slug)
    context = {
        "post": post,
        "comment_form": form,
        "comments_open": True,
        "thread_id": thread_id,
        "page_address": form_page_address(request, post, thread_id),
    }
    return render(request, "comments/save_failed.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def preview_comment(request, slug):
    """The rendered text of a comment form, as an HTML fragment (the page's script shows it
    in place); nothing is stored. Invalid text gets its error message instead."""
    if request.method != "POST":
        return _to_the_form(request, slug)
    get_object_or_404(published_posts().only("pk"), slug=slug)
    retry_after = antispam.preview_retry_after(client_ip(request))
    if retry_after is not None:
        context = {"preview_errors": [_too_many_previews(retry_after)]}
        response = render(request, "comments/preview.html", context, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    form = CommentPreviewForm(request.POST)
    if form.is_valid():
        context = {"preview_html": render_markdown(form.cleaned_data["body"])}
    else:
        context = {"preview_errors": form.errors.get("body", [])}
    return render(request, "comments/preview.html", context)


def _thread_page_sent_from(request, post):
    """The comment whose thread page the form was sent from, if the form names one of
    ``post``'s ordinary comments.

    It only decides where the form is shown again, never what is replied to (``parent`` does).
    """
    try:
        comment_id = int(request.POST.get(THREAD_FIELD, ""))
    except ValueError:
        return None
    return Comment.objects.comments().filter(post=post, pk=comment_id).first()


def _show_form_again(request, post, form, status, *, preview_html=""):
    """The form with its errors (or its preview), on the page it was sent from: a comment's
    thread page, or else the post page (also when that thread page no longer shows anything)."""
    thread_root = _thread_page_sent_from(request, post)
    if thread_root is not None:
        context = thread_page_context(
            request, post, thread_root, form=form, preview_html=preview_html
        )
        if context is not None:
            context["page_address"] = form_page_address(request, post, thread_root.pk)
            return render(request, "comments/thread.html", context, status=status)
    context = {
        "post": post,
        "object": post,
        "page_address": form_page_address(request, post),
        **discussion_context(request, post, form=form, preview_html=preview_html),
    }
    return render(request, post_detail_template(post), context, status=status)


def _published_comments():
    return Comment.objects.select_related("post").filter(post__in=published_posts())


def _continued_thread_url(comment):
    """For a reply nested deeper than the post page shows: the page its thread continues on."""
    root_level = page_root_level(comment.level, settings.COMMENTS_THREAD_MAX_DEPTH)
    if root_level == 0:
        return None
    root_id = comment.get_ancestors().filter(level=root_level).values_list("pk", flat=True)[0]
    return reverse("comments:thread", kwargs={"comment_id": root_id})


def _reader_sees(request, comment):
    """Readers see approved comments; the writer of a held one sees it too (their session)."""
    if comment.status == Comment.Status.APPROVED:
        return True
    return comment.status == Comment.Status.PENDING and comment.pk in own_pending_ids(request)


@require_GET
def comment_permalink(request, comment_id):
    """A comment's permanent address: the page that shows it, at the comment.

    A reply nested deeper than the post page shows is on its thread's own page; any other
    comment is on the page of the post's discussion that holds its top-level comment.
    """
    comment = get_object_or_404(_published_comments(), pk=comment_id)
    if not _reader_sees(request, comment):
        # A held, spam or removed comment: not even the post it is on is revealed.
        raise Http404(gettext("No such comment."))
    page_url = _continued_thread_url(comment)
    if page_url is None:
        newest = newest_first(request)  # ?sort=newest: the page in the newest-first order
        page, _index = discussion_page_of(
            comment.post, comment.tree_id, own_pending_ids=own_pending_ids(request), newest=newest
        )
        query = order_query(request)
        if page > 1:
            query += f"{'&' if query else '?'}{PAGE_PARAM}={page}"
        page_url = f"{comment.post.get_absolute_url()}{query}"
    return redirect(f"{page_url}#{comment.anchor}")


def _thread_roots():
    """Comments that have a thread page: ordinary comments (not pingbacks) of published posts."""
    return _published_comments().filter(kind=Comment.Kind.COMMENT)


@require_GET
def comment_thread(request, comment_id):
    """A comment's own page: that comment and every reply below it, with a way back."""
    comment = get_object_or_404(_thread_roots(), pk=comment_id)
    context = thread_page_context(request, comment.post, comment)
    if context is None:
        raise Http404(gettext("No such comment."))
    return render(request, "comments/thread.html", context)


def _changeable_comment(request, comment_id):
    """(the comment, None) if this browser may still change it, else (None, a 403 page)."""
    comment = _thread_roots().filter(pk=comment_id).first()
    if comment is None or not ownership.may_change(request, comment):
        context = {
            "message": _not_changeable_message(settings.COMMENTS_EDIT_WINDOW),
            "comment": comment,
            # An edit sent a moment too late: its text is shown to copy, never thrown away.
            "body": request.POST.get("body", "") if request.method == "POST" else "",
        }
        return None, render(request, "comments/not_changeable.html", context, status=403)
    return comment, None


def _gone(request, comment):
    """The comment changed under us (hidden meanwhile): the same refusal."""
    return _changeable_comment(request, comment.pk)[1] or redirect(comment.get_absolute_url())


@require_http_methods(["GET", "POST"])
def comment_edit(request, comment_id):
    """Its author edits a comment, from the browser that wrote it, within the edit window.

    As with a new comment, the typed text is never lost to the database: if it fails before
    the change is committed, the "try again" page (HTTP 503) is rendered from the request."""
    if request.method != "POST":
        return _edit(request, comment_id)
    try:
        return _edit(request, comment_id)
    except DATABASE_FAILURES:
        logger.exception("The database failed while comment %s was edited", comment_id)
        return _edit_failed(request, comment_id)


def _edit(request, comment_id):
    comment, refusal = _changeable_comment(request, comment_id)
    if refusal is not None:
        return refusal
    preview_html = ""
    if request.method == "POST":
        form = AuthorEditForm(request.POST)
        if form.is_valid():
            if PREVIEW_FIELD in request.POST:
                preview_html = render_markdown(form.cleaned_data["body"])
            else:
                try:
                    edited = comment_author_edit(
                        comment_id=comment.pk, body=form.cleaned_data["body"]
                    )
                except NotEditable:
                    return _gone(request, comment)
                if edited.status == Comment.Status.PENDING:
                    # Its card says it awaits moderation: the notice does not say it again.
                    remember_own_pending(request, edited)
                notice(request, gettext("Your comment was updated."), comment_id=edited.pk)
                return redirect(edited.get_absolute_url())
    else:
        form = AuthorEditForm(initial={"body": comment.body})
    context = {
        "comment_id": comment.pk,
        "post": comment.post,
        # "On <title>." takes no full stop of ours after a title's own "?" or "!".
        "title_ends_sentence": ends_sentence(comment.post.title),
        "form": form,
        "preview_html": preview_html,
        "until": ownership.editable_until(request, comment.pk),
    }
    return render(request, "comments/edit.html", context)


def edit_not_verified(request, comment_id):
    """The edit form shown again with its text (HTTP 403), ready to save once more, after the
    CSRF check refused it. As for a new comment, the site's CSRF failure view calls this only
    for a form sent from the site's own page."""
    return _edit_kept(request, comment_id, EDIT_NOT_VERIFIED, status=403)


def _edit_failed(request, comment_id):
    response = _edit_kept(request, comment_id, EDIT_FAILED, status=503)
    response["Retry-After"] = "5"
    return response


def _edit_kept(request, comment_id, message, *, status):
    """The edit form again with the typed text and ``message``, rendered from the request
    alone: no database query, so it also answers when the database is down."""
    form = AuthorEditForm(request.POST)
    form.is_valid()  # the field's own checks only: no database
    form.add_error(None, message)
    context = {"comment_id": comment_id, "post": None, "form": form, "until": None}
    return render(request, "comments/edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def comment_delete(request, comment_id):
    """Its author takes a comment back (asked to confirm first); replies keep their place."""
    comment, refusal = _changeable_comment(request, comment_id)
    if refusal is not None:
        return refusal
    if request.method == "POST":
        try:
            comment_author_delete(comment_id=comment.pk)
        except NotEditable:
            return _gone(request, comment)
        notice(request, gettext("Your comment was deleted."))
        return redirect(f"{comment.post.get_absolute_url()}#comments")
    context = {
        "comment": comment,
        "post": comment.post,
        "until": ownership.editable_until(request, comment.pk),
    }
    return render(request, "comments/delete.html", context)


AVATAR_MAX_AGE = 60 * 60 * 24 * 365  # an identicon depends on its key alone


@require_GET
def avatar(request, key):
    """A commenter's avatar: the identicon of a stored key (or Gravatar, when turned on)."""
    if settings.COMMENTS_AVATAR_GRAVATAR:
        remote = gravatar_url(key)
        if remote is not None:
            response = redirect(remote)
            response["Cache-Control"] = "public, max-age=86400"
            return response
    response = HttpResponse(identicon_svg(key), content_type="image/svg+xml")
    response["Cache-Control"] = f"public, max-age={AVATAR_MAX_AGE}, immutable"
    return response
