"""The comments of a discussion as HTML: each comment's ``<li>``, written with f-strings.

The discussion template (``jinja2/comments/discussion.html``) places these between what is
not per comment (sort links, page links, pingbacks). Why Python and not the template: on a
10,000-comment page the template's loop cost twice what the same markup costs here (every
printed value is a step of Jinja's generator), more than any other part of the page.

Escaping, as ``format_html`` would: what a visitor wrote (the author's name and web address)
passes ``escape`` (markupsafe's, the template's ``|e``: the same bytes); ``body_html`` is
sanitised when it is stored; every other value is a number, a translation, or a string this
project formats (ids, dates, avatar keys, URLs it reverses). A new value printed here that a
visitor controls must pass ``escape`` too (``tests/security/test_xss.py`` sends hostile names
and addresses through this page).
"""

from typing import NamedTuple

from django.urls import reverse
from django.utils.translation import gettext
from markupsafe import escape

from .selectors import PAGE_PARAM, SORT_PARAM

REPLIES_END = "\n</ol>\n</details>\n</li>"  # what ends one reply list and the comment it answers


class ThreadWriter:
    """Writes the comments of one rendering of a discussion (``comment``, in reading order).

    Words are translated, and what many comments share (an author's name and link) formatted,
    once per rendering, never once per comment.
    """

    def __init__(self, discussion, *, replies_open, counted):
        self.replies_open = replies_open  # a closed post's comments have no Reply link
        self.replies = counted["replies"]  # "3 replies", per count (comments/labels.py)
        self.continue_thread = counted["continue_thread"]
        # Never gettext() inside an f-string: makemessages would not see the words.
        removed = gettext("Comment removed.")
        self.removed = (
            f'\n<article class="comment-card comment-card--removed">\n'
            f'<p class="comment-removed">{removed}</p>'
        )
        self.unknown_author = gettext("Unknown author")
        badge = gettext("Author")
        self.badge = f' <span class="comment-badge">{badge}</span>'
        self.edited = gettext("edited")
        # What holding means, said once where the reader looks: no separate notice repeats it.
        pending = gettext(
            "Your comment is awaiting moderation: others will see it once a moderator approves it."
        )
        self.pending = f' <span class="comment-pending">{pending}</span>'
        self.reply = gettext("Reply")
        # Avatars are stored keys (comments/avatars.py): the page hashes nothing.
        self.avatar_src = reverse("comments:avatar", args=["0"])[:-5]
        self.reply_href = reply_href(discussion)
        # A thread's own page and its way back keep the reader's order (comments.selectors).
        self.continue_query = f"?{SORT_PARAM}=newest" if discussion.newest else ""
        self._authors = {}

    def comment(self, node):
        """``node``'s ``<li>`` and card, then its reply list opening, or the end of its
        ``<li>`` and of the ``node.closes`` reply lists around it."""
        card = self.removed if node.is_placeholder else self.card(node)
        return (
            f'\n<li class="comment" id="comment-{node.id}" data-depth="{node.level}">{card}'
            f"\n</article>{self.after(node)}"
        )

    def card(self, node):
        """A shown comment's card up to its ``</article>``; its text in the direction of its
        own first letters (``dir="auto"``), right-to-left for an Arabic or Hebrew comment."""
        pending = node.awaiting_moderation
        footer = self.footer(node) if self.has_actions(node) else ""
        return (
            f'\n<article class="comment-card{" comment-card--pending" if pending else ""}">\n'
            f'<header class="comment-meta">{self.header(node)}\n</header>\n'
            f'<div class="comment-body" dir="auto">{node.body_html}</div>{footer}'
        )

    def header(self, node):
        """Avatar, number, author (and badge), the date as permalink, edited and held marks."""
        number = f'<span class="comment-number">{node.number}.</span> ' if node.number else ""
        author = self.author(node.author_name, node.author_link)
        if node.by_post_author:
            author += self.badge
        marks = self.edited_mark(node) if node.edited_at else ""
        if node.awaiting_moderation:
            marks += self.pending
        return (
            f'<img class="avatar" src="{self.avatar_src}{node.avatar_key}.svg" alt="" '
            f'width="40" height="40" loading="lazy">{number}{author}\n'
            f'<a class="comment-permalink" href="#comment-{node.id}"><time '
            f'datetime="{node.date_iso}" title="{node.date_exact}">{node.date_label}</time></a>'
            f"{marks}"
        )

    def author(self, name, link):
        """The author's name, linked to their website if they gave one; escaped, once per
        distinct name and link in a rendering (a thread repeats its commenters). Set apart in
        its own direction (``dir="auto"``): an Arabic or Hebrew name does not pull the date
        beside it into right-to-left order."""
        try:
            return self._authors[name, link]
        except KeyError:
            pass
        if not name:
            html = f'<span class="comment-author comment-author--unknown">{self.unknown_author}'
        elif link:
            html = (
                f'<span class="comment-author" dir="auto"><a href="{escape(link)}" '
                f'rel="nofollow ugc noopener">{escape(name)}</a>'
            )
        else:
            html = f'<span class="comment-author" dir="auto">{escape(name)}'
        html = self._authors[name, link] = f"{html}</span>"
        return html

    def edited_mark(self, node):
        return (
            f' <span class="comment-edited">{self.edited} <time datetime="{node.edited_iso}" '
            f'title="{node.edited_exact}">{node.edited_label}</time></span>'
        )

    def has_actions(self, node):
        """Whether ``node``'s card ends in an actions line (Reply): a shown, published
        comment of a post that takes comments."""
        return self.replies_open and not node.is_placeholder and not node.awaiting_moderation

    def footer(self, node):
        """The actions line: Reply, and for a thread cut at the page's last level the link to
        the rest of it, beside Reply and wrapping under it when the line is too short."""
        comment_id = node.id
        more = (
            f' <span class="comment-continue">{self.continue_link(node)}</span>'
            if node.continues
            else ""
        )
        return (
            f'\n<footer class="comment-actions"><a class="comment-reply-link" '
            f'href="{self.reply_href}{comment_id}#respond" data-reply-to="{comment_id}" '
            f'rel="nofollow">{self.reply}</a>{more}</footer>'
        )

    def continue_link(self, node):
        """Past COMMENTS_THREAD_MAX_DEPTH levels a thread continues on this comment's page."""
        thread_url = reverse("comments:thread", args=[node.id]) + self.continue_query
        return f'<a href="{thread_url}">{self.continue_thread[node.reply_count]}</a>'

    def after(self, node):
        """After the card: the link to the rest of a thread cut at the page's last level when
        the card has no actions line to hold it, then the comment's reply list opening, or the
        end of it and of the lists it closes."""
        html = ""
        if node.continues and not self.has_actions(node):
            html = f'\n<p class="comment-continue">{self.continue_link(node)}</p>'
        if node.opens_replies:
            return (
                f'{html}\n<details class="comment-thread" open><summary>'
                f'{self.replies[node.reply_count]}</summary>\n<ol class="comment-replies">'
            )
        return f"{html}\n</li>{REPLIES_END * node.closes}"


def reply_href(discussion):
    """The start of a Reply link: it keeps the reader on this page of the discussion, in the
    order they chose (the comment's id and ``#respond`` follow)."""
    sort_part = f"{SORT_PARAM}=newest&amp;" if discussion.newest else ""
    if discussion.page_number > 1:
        return f"?{sort_part}{PAGE_PARAM}={discussion.page_number}&amp;replyto="
    return f"?{sort_part}replyto="


class Card(NamedTuple):
    """Where a comment's card lies in a rendered discussion (offsets into its HTML)."""

    start: int  # its <li>'s id
    inside: int  # just after its header; first in the card for a placeholder, which has none
    end: int  # its </article>


def find_card(html, comment_id):
    """Comment ``comment_id``'s card in ``html`` (a rendered discussion), or None if it is not
    there. Per-reader additions go into a copy of the shared HTML at these places: the first
    ``</header>`` and ``</article>`` after the comment's id are its own (sanitised comment text
    never contains those tags)."""
    start = html.find(f'id="comment-{comment_id}"')
    if start < 0:
        return None
    end = html.find("</article>", start)
    if end < 0:
        return None
    header_end = html.find("</header>", start, end)
    if header_end >= 0:
        inside = header_end + len("</header>")
    else:
        inside = html.find(">", html.find("<article", start)) + 1
    return Card(start, inside, end)
