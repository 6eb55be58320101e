"""Turning user and imported text into safe HTML, once, at write time.

Readers' pages show the stored ``body_html`` as is, so everything that reaches it passes
through nh3 (the Ammonia sanitiser) here and nowhere else.
"""

import nh3
from django.utils.html import linebreaks, urlize
from markdown_it import MarkdownIt

from .records import AUTOP, TEXT

URL_SCHEMES = {"http", "https", "mailto"}

# What a comment may contain: text structure and links, nothing that runs or restyles the page.
COMMENT_TAGS = {
    "p",
    "br",
    "a",
    "em",
    "strong",
    "b",
    "i",
    "u",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "q",
    "cite",
    "abbr",
    "del",
    "ins",
    "sub",
    "sup",
}
COMMENT_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "q": {"cite"}}

# Built once: configuring a sanitiser costs more than running it on a short comment.
_comment_cleaner = nh3.Cleaner(
    tags=COMMENT_TAGS,
    attributes=COMMENT_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="nofollow ugc noopener",
)


def sanitize_comment_html(html: str) -> str:
    """Sanitise comment HTML (imports); every link is marked as user-generated."""
    return _comment_cleaner.clean(html)


# What a comment written in the form may use: CommonMark's emphasis, links (bare addresses too),
# inline code and code blocks, quotes and lists. No images (a reader's page would fetch them from
# anywhere), no headings (a comment is not a document), and raw HTML stays text ("html": False).
_markdown = (
    MarkdownIt("commonmark", {"html": False, "linkify": True, "breaks": True})
    .enable("linkify")
    .disable(["image", "heading", "lheading"])
)


def render_markdown(text: str) -> str:
    """Comment text written in Markdown -> the sanitised HTML readers see."""
    return sanitize_comment_html(_markdown.render(text.strip())).strip()


def render_plain_text(text: str) -> str:
    """Plain comment text -> paragraphs with escaped HTML and linked URLs."""
    linked = urlize(text.strip(), nofollow=True, autoescape=True)
    return sanitize_comment_html(linebreaks(linked))


def render_comment_body(body: str, body_format: str) -> str:
    """An imported body -> ``body_html``, by its format (``comments.records``).

    Plain text as a form's comment; HTML sanitised; WordPress's "autop" HTML, whose blank
    lines separate paragraphs, gets its paragraphs first unless it already has some.
    """
    if body_format == TEXT:
        return render_plain_text(body)
    if body_format == AUTOP and "\n" in body and "<p" not in body:
        body = linebreaks(body)
    return sanitize_comment_html(body)
