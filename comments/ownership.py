"""Which comments the browser in front of us wrote, and may still edit or delete.

No account is needed: when a comment is posted, the response gives that browser a signed
cookie listing it (``{comment id: when it was written}``, signed with the site's secret under
its own salt, HttpOnly): that cookie is the capability. It is good for
``COMMENTS_EDIT_WINDOW`` seconds after the comment was written; after that, or from any other
browser, the edit and delete pages answer 403. A cookie, not the session: posting a comment
writes nothing more to the database.

The discussion HTML is cached and shared by every reader, so it never holds these links:
``with_own_actions`` adds them to a copy of the rendered page for this reader only.
"""

import json
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from .models import Comment
from .thread_html import find_card

COOKIE = "comments_own"
SALT = "comments.ownership"
KEPT = 20  # the newest comments a browser holds (older ones are past their window anyway)


def edit_window():
    return timedelta(seconds=settings.COMMENTS_EDIT_WINDOW)


def _owned(request):
    """{comment id (str): written at, POSIX seconds} from this browser's signed cookie."""
    raw = request.get_signed_cookie(
        COOKIE, default=None, salt=SALT, max_age=max(settings.COMMENTS_EDIT_WINDOW, 0)
    )
    if not raw:
        return {}
    try:
        owned = json.loads(raw)
    except ValueError:
        return {}
    return owned if isinstance(owned, dict) else {}


def grant(request, response, comment):
    """Let this browser edit and delete ``comment`` for the edit window."""
    window = settings.COMMENTS_EDIT_WINDOW
    if window <= 0:
        return response
    now = timezone.now().timestamp()
    owned = {
        key: written
        for key, written in _owned(request).items()
        if isinstance(written, (int, float)) and written + window > now
    }
    owned[str(comment.pk)] = comment.created_at.timestamp()
    newest = dict(sorted(owned.items(), key=lambda item: item[1])[-KEPT:])
    response.set_signed_cookie(
        COOKIE,
        json.dumps(newest),
        salt=SALT,
        max_age=window,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def editable_ids(request):
    """{comment id: end of its edit window} for every comment this browser may still change."""
    owned = _owned(request)
    if not owned:
        return {}
    now = timezone.now()
    ids = {}
    for key, written in owned.items():
        if not (key.isdigit() and isinstance(written, (int, float))):
            continue
        until = datetime.fromtimestamp(written, tz=UTC) + edit_window()
        if until > now:
            ids[int(key)] = until
    return ids


def editable_until(request, comment_id):
    """The end of the edit window for this browser's comment ``comment_id``, or None."""
    return editable_ids(request).get(int(comment_id))


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
    comment. Each link goes at the end of the comment's own card.
    """
    own = editable_ids(request)
    if not own:
        return html
    for comment_id, until in sorted(own.items()):
        card = find_card(html, comment_id)
        if card is None:
            continue
        actions = render_to_string(
            "comments/own_actions.html", {"comment_id": comment_id, "until": until}
        ).strip()
        html = html[: card.end] + actions + html[card.end :]
    return mark_safe(html)  # noqa: S308 - the rendered discussion and a template's links
