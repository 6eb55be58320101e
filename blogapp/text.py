"""Post bodies as safe HTML: written by the site's authors or imported from their old blog.

Sanitised with nh3 when a post is saved (``Post.render_body``); the page prints the result.
The plain-text excerpt the list of posts shows is made at the same time.
"""

import re
from html.parser import HTMLParser

import nh3
from django.utils.html import linebreaks, urlize
from django.utils.text import Truncator

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


_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>")


def sanitize_post_html(html: str) -> str:
    """Sanitise a post body written by the site's authors (paragraphs left empty go)."""
    return _EMPTY_PARAGRAPH.sub("", _post_cleaner.clean(html))


def plain_text_to_post_html(text: str) -> str:
    """Plain text (e.g. a text archive) -> post HTML paragraphs."""
    return sanitize_post_html(linebreaks(urlize(text.strip(), autoescape=True)))


EXCERPT_WORDS = 40
# Elements whose words are not the post's prose: left out of an excerpt (headings and lists
# only if the post has some prose besides them).
_NEVER_IN_EXCERPT = {"pre", "table", "figure", "figcaption", "code", "h1"}
_PROSE_ONLY = {"h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "blockquote"}
_VOID = {"br", "hr", "img", "wbr", "col", "area", "input", "source"}
_INLINE = {"a", "abbr", "b", "cite", "code", "del", "em", "i", "ins", "mark", "q", "s", "small",
           "span", "strong", "sub", "sup", "u"}  # fmt: skip


class _TextCollector(HTMLParser):
    """The words of an HTML fragment: all of them, and those outside headings and lists."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []
        self.prose, self.other = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in _INLINE:
            self.prose.append(" ")  # words of two blocks (or either side of a <br>) stay apart
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag not in _INLINE:
            self.prose.append(" ")
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        inside = set(self.open)
        if inside & _NEVER_IN_EXCERPT:
            return
        if inside & _PROSE_ONLY:
            self.other.append(data)
            self.prose.append(" ")  # the words on either side stay apart
        else:
            self.prose.append(data)


def plain_excerpt(html: str, words: int = EXCERPT_WORDS) -> str:
    """A post's opening words as plain text, for lists of posts: its prose, without headings,
    lists, code or tables (unless that is all it has), cut at ``words`` words."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    text = " ".join("".join(collector.prose).split())
    if not text:
        text = " ".join(" ".join(collector.other).split())
    return Truncator(text).words(words, truncate="…")
