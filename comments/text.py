"""Turning user and imported text into safe HTML, once, at write time.

Readers' pages show the stored ``body_html`` as is, so everything that reaches it passes
through nh3 (the Ammonia sanitiser) here and nowhere else.
"""

import nh3
from django.utils.html import linebreaks, urlize

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

# Post bodies are written by the site's authors (or imported from their old blog).
POST_TAGS = COMMENT_TAGS | {
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "img",
    "figure",
    "figcaption",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "dl",
    "dt",
    "dd",
    "span",
    "div",
    "small",
    "mark",
}
POST_ATTRIBUTES = COMMENT_ATTRIBUTES | {
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}


# Built once: configuring a sanitiser costs more than running it on a short comment.
_comment_cleaner = nh3.Cleaner(
    tags=COMMENT_TAGS,
    attributes=COMMENT_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="nofollow ugc noopener",
)
_post_cleaner = nh3.Cleaner(
    tags=POST_TAGS,
    attributes=POST_ATTRIBUTES,
    url_schemes=URL_SCHEMES,
    link_rel="noopener",
)


def sanitize_comment_html(html: str) -> str:
    """Sanitise comment HTML (imports); every link is marked as user-generated."""
    return _comment_cleaner.clean(html)


def sanitize_post_html(html: str) -> str:
    """Sanitise a post body written by the site's authors."""
    return _post_cleaner.clean(html)


def render_plain_text(text: str) -> str:
    """Plain comment text -> paragraphs with escaped HTML and linked URLs."""
    linked = urlize(text.strip(), nofollow=True, autoescape=True)
    return sanitize_comment_html(linebreaks(linked))


def plain_text_to_post_html(text: str) -> str:
    """Plain text (e.g. a text archive) -> post HTML paragraphs."""
    return sanitize_post_html(linebreaks(urlize(text.strip(), autoescape=True)))
