"""Which comments the browser in front of us wrote, and may still edit or delete.

No account is needed: when a comment is posted, its id goes into that browser's session (a
server-side record behind Django's signed session cookie), which is the capability. It is
good for ``COMMENTS_EDIT_WINDOW`` seconds after the comment was written; after that, or from
any other browser, the edit and delete pages answer 403.

The discussion HTML is cached and shared by every reader, so it never holds these links:
``with_own_actions`` adds them to a copy of the rendered page for this reader only.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from .models import Comment

SESSION_KEY = "comments_own"  # {comment id (str): created_at as a POSIX timestamp}
KEPT = 20  # the newest comments a session remembers (older ones are past their window anyway)


def edit_window():
    return timedelta(seconds=settings.COMMENTS_EDIT_WINDOW)


def grant(request, comment):
    """Let this browser edit and delete ``comment`` for the edit window."""
    if settings.COMMENTS_EDIT_WINDOW <= 0:
        return
    own = dict(request.session.get(SESSION_KEY, {}))
    own[str(comment.pk)] = comment.created_at.timestamp()
    newest = sorted(own.items(), key=lambda item: item[1])[-KEPT:]
    request.session[SESSION_KEY] = dict(newest)


def editable_until(request, comment_id, *, now=None):
    """The end of the edit window for this browser's comment ``comment_id``, or None."""
    own = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not own:
        return None
    written = own.get(str(comment_id))
    if written is None:
        return None
    until = datetime.fromtimestamp(written, tz=UTC) + edit_window()
    return until if until > (now or timezone.now()) else None


def editable_ids(request):
    """{comment id: end of its edit window} for every comment this browser may still change."""
    own = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not own:
        return {}
    now = timezone.now()
    ids = {}
    for key in own:
        until = editable_until(request, key, now=now)
        if until is not None:
            ids[int(key)] = until
    return ids


def may_change(request, comment):
    """Whether this browser may still edit or delete ``comment`` (shown, and in its window)."""
    if comment.kind != Comment.Kind.COMMENT:
        return False
    if comment.status not in (Comment.Status.APPROVED, Comment.Status.PENDING):
        return False
    return editable_until(request, comment.pk) is not None


def with_own_actions(request, html):
    """``html`` (a rendered discussion) with Edit and Delete on this reader's own comments.

    Only a reader with comments in their edit window pays for this: a string search per such
    comment. Each link goes at the end of the comment's own card (its first ``</article>``
    after its ``id``; sanitised comment text never contains that tag).
    """
    own = editable_ids(request)
    if not own:
        return html
    for comment_id, until in sorted(own.items()):
        start = html.find(f'id="comment-{comment_id}"')
        if start < 0:
            continue
        end = html.find("</article>", start)
        if end < 0:
            continue
        actions = render_to_string(
            "comments/own_actions.html", {"comment_id": comment_id, "until": until}
        ).strip()
        html = html[:end] + actions + html[end:]
    return mark_safe(html)  # noqa: S308 - the rendered discussion and a template's links
