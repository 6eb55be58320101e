"""Post bodies as safe HTML: written by the site's authors or imported from their old blog.

Sanitised with nh3 when a post is saved (``Post.render_body``); the page prints the result.
"""

import nh3
from django.utils.html import linebreaks, urlize

from comments.text import url_attributes_filter

URL_SCHEMES = {"http", "https", "mailto"}

# Text structure, links, images and tables: nothing that runs or restyles the page.
POST_TAGS = {
    "p", "br", "a", "em", "strong", "b", "i", "u", "s", "code", "pre", "blockquote", "ul", "ol",
    "li", "q", "cite", "abbr", "del", "ins", "sub", "sup", "h2", "h3", "h4", "h5", "h6", "hr",
    "img", "figure", "figcaption", "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd",
    "span", "div", "small", "mark",
}  # fmt: skip
POST_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "q": {"cite"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}

# Built once: configuring a sanitiser costs more than running it.
_post_cleaner = nh3.Cleaner(
    tags=POST_TAGS,
    attributes=POST_ATTRIBUTES,
    # Every URL attribute's scheme checked, cite included (nh3 alone lets cite through).
    attribute_filter=url_attributes_filter(URL_SCHEMES),
    url_schemes=URL_SCHEMES,
    link_rel="noopener",
)


def sanitize_post_html(html: str) -> str:
    """Sanitise a post body written by the site's authors."""
    return _post_cleaner.clean(html)


def plain_text_to_post_html(text: str) -> str:
    """Plain text (e.g. a text archive) -> post HTML paragraphs."""
    return sanitize_post_html(linebreaks(urlize(text.strip(), autoescape=True)))
