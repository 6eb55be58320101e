"""Messages about one comment, shown where the reader lands: in that comment's card.

After a comment is posted, edited or deleted the browser is sent to it (``#comment-12``) or
to the discussion (``#comments``), usually a screen or more below the top of the page, where
the site's messages are. A message there is never seen: "confirm with the link we sent to your
address", above all. A notice is a Django message tagged with where it belongs;
``with_notices`` writes it into the rendered discussion, under that comment's header or at
the discussion's start, and marks it placed, so the page's own list of messages leaves it out.
A notice whose place is not on the page (its comment is not shown) stays in that list.
"""

from django.contrib import messages
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .thread_html import find_card

TAG = "notice-for-"
DISCUSSION = "discussion"
PLACED = "placed"  # added to a placed notice's extra tags (base.html skips it)


def notice(request, text, *, comment_id=None):
    """Tell the reader ``text`` in comment ``comment_id``'s card, or at the discussion's start."""
    place = DISCUSSION if comment_id is None else str(comment_id)
    messages.info(request, text, extra_tags=TAG + place)


def with_notices(request, html):
    """``html`` (a rendered discussion) with this request's notices written in their places.

    Reading the messages marks them used, as showing them would: each is shown once, here or
    in the page's list. Without messages nothing is read (reading would also delete the
    messages cookie on every page).
    """
    stored = messages.get_messages(request)
    if not stored:
        return html
    for message in stored:
        tags = (message.extra_tags or "").split()
        if not tags or not tags[0].startswith(TAG) or PLACED in tags:
            continue
        place = tags[0].removeprefix(TAG)
        if place == DISCUSSION:
            at = 0
        else:
            card = find_card(html, place)
            if card is None:
                continue
            at = card.inside
        box = format_html('<p class="comment-notice" role="status">{}</p>', message.message)
        html = html[:at] + box + html[at:]
        message.extra_tags = f"{message.extra_tags} {PLACED}"
    return mark_safe(html)  # noqa: S308 - the rendered discussion and escaped messages
