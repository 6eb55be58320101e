"""Turning user and imported text into safe HTML, once, at write time.

Readers' pages show the stored ``body_html`` as is, so everything that reaches it passes
through nh3 (the Ammonia sanitiser) here and nowhere else.
"""

import html
import re

import nh3
from django.utils.html import linebreaks, strip_tags, urlize
from django.utils.text import Truncator
from markdown_it import MarkdownIt

from .imported_html import BLOCKS, drop_empty_paragraphs, readable_comment_html
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

# Every attribute a browser reads as a URL. nh3 checks the schemes of some of them (href,
# src) but not all: <q cite="javascript:…"> came through. The filter below checks them all.
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "poster", "srcset"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
# What browsers drop from a URL before reading its scheme ("java\tscript:").
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")


def url_attributes_filter(schemes):
    """An nh3 ``attribute_filter`` that drops any URL attribute whose scheme is not in
    ``schemes`` (relative URLs and fragments pass)."""

    def keep_safe_urls(_element, attribute, value):
        if attribute not in URL_ATTRIBUTES:
            return value
        found = _SCHEME.match(_IGNORED_IN_URLS.sub("", value).lower())
        if found is not None and found.group(1) not in schemes:
            return None
        return value

    return keep_safe_urls


# Built once: configuring a sanitiser costs more than running it on a short comment.
_comment_cleaner = nh3.Cleaner(
    tags=COMMENT_TAGS,
    attributes=COMMENT_ATTRIBUTES,
    attribute_filter=url_attributes_filter(URL_SCHEMES),
    url_schemes=URL_SCHEMES,
    link_rel="nofollow ugc noopener",
)
# The blocks of a comment that take the direction of their own first letters (dir="auto").
OWN_DIRECTION_BLOCKS = frozenset({"p", "ul", "ol", "blockquote"})
VOID_TAGS = frozenset({"br", "hr", "img", "wbr"})
# A tag of the sanitiser's output: its attribute values are double-quoted and may hold a ">".
_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:[^>"]|"[^"]*")*)>')


def sanitize_comment_html(html: str) -> str:
    """Sanitise comment HTML (imports and the form's Markdown); every link is marked as
    user-generated, and each top-level block takes its own direction."""
    return with_block_directions(_comment_cleaner.clean(html))


def with_block_directions(html: str) -> str:
    """Sanitised ``html`` with ``dir="auto"`` on each top-level paragraph, list and quote: an
    English paragraph after an Arabic one reads left to right, and the other way round. Only
    the top level: the direction of a list or a quote is found in its text, and a browser
    skips the text of children that have a ``dir`` of their own (the comment body's own
    ``dir="auto"`` then decides nothing, which is right: each of its blocks has one)."""
    if "<" not in html:
        return html
    out, written, depth = [], 0, 0
    for tag in _TAG.finditer(html):
        closing, name = tag.group(1), tag.group(2)
        if name in VOID_TAGS:
            continue
        if closing:
            depth -= 1
            continue
        if depth == 0 and name in OWN_DIRECTION_BLOCKS:
            out += [html[written : tag.end(2)], ' dir="auto"']
            written = tag.end(2)
        depth += 1
    out.append(html[written:])
    return "".join(out)


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
    """Plain comment text -> paragraphs with escaped HTML and linked URLs ("" for no text)."""
    if not text.strip():
        return ""  # e.g. an imported pingback without an excerpt: no empty paragraph
    linked = urlize(text.strip(), nofollow=True, autoescape=True)
    return sanitize_comment_html(linebreaks(linked))


def render_comment_body(body: str, body_format: str) -> str:
    """An imported body -> ``body_html``, by its format (``comments.records``).

    Plain text as a form's comment. HTML keeps its paragraphs, lists, quotes and code, and
    what a comment cannot contain (headings, tables, definition lists) becomes paragraphs
    (``imported_html``); WordPress's "autop" HTML, whose blank lines separate paragraphs, gets
    its paragraphs as WordPress gives them. Then sanitised.
    """
    if body_format == TEXT:
        return render_plain_text(body)
    readable = readable_comment_html(body, add_paragraphs=body_format == AUTOP)
    return drop_empty_paragraphs(sanitize_comment_html(readable))


# Where a line of text starts or ends: without a space there, the last word of one block
# would run into the first of the next ("ways.Threaded").
_LINE_TAG = re.compile(rf"</?(?:{BLOCKS}|br)\b", re.IGNORECASE)


def plain_text(body_html: str) -> str:
    """What a reader sees of stored HTML, on one line: tags gone, a space where a block
    (paragraph, item, line break…) started or ended, entities read ("&gt;" is ">")."""
    text = strip_tags(_LINE_TAG.sub(r" \g<0>", body_html))
    return " ".join(html.unescape(text).split())


# What a moderator's excerpt keeps of the rendered text: its emphasis. Links, paragraphs and
# the rest go (the excerpt sits inside its row's link, in a table cell).
EXCERPT_TAGS = {"b", "strong", "i", "em", "code"}
_EXCERPT_TOKEN = re.compile(r"<[^>]*>|[^<]+")  # nh3's output: EXCERPT_TAGS alone, no attributes
_WORD_OR_SPACE = re.compile(r"\s+|\S+")  # an entity has no space: never cut in two


def emphasis_excerpt(body_html: str, chars: int) -> str:
    """The opening of stored HTML as safe HTML of at most ``chars`` characters, with its
    emphasis: whole words and "…" when cut, so a moderator never reads a word cut in two
    ("the frost th…") and takes it for the commenter's typo. Only a first word longer than the
    whole excerpt (an address) is cut inside. Reads no further into the text than it needs: a
    queue shows 50 of them, some of 10,000 characters."""
    markup = nh3.clean(_LINE_TAG.sub(r" \g<0>", body_html), tags=EXCERPT_TAGS, attributes={})
    pieces, text = [], ""
    for is_tag, piece in _excerpt_pieces(markup):
        pieces.append((is_tag, piece))
        text += "" if is_tag else piece
        if len(text.rstrip()) > chars:
            break
    else:
        return markup.strip()
    end = text.rfind(" ", 0, chars)  # room for "…", and the next character: a word's end?
    return _html_prefix(pieces, end if end > 0 else chars - 1) + "…"


def _excerpt_pieces(markup):
    """``markup``'s tags (True, tag) and text (False, text) in order, the text word by word
    (so a long text is read only as far as it is needed) as a reader sees it: entities read,
    each run of whitespace one space, none at the start."""
    after_space = True
    for match in _EXCERPT_TOKEN.finditer(markup):
        token = match.group()
        if token.startswith("<"):
            yield True, token
            continue
        for part in _WORD_OR_SPACE.finditer(token):
            text = part.group()
            if text.isspace():
                text = " "
            elif "&" in text:
                text = re.sub(r"\s+", " ", html.unescape(text))  # &nbsp; reads as a space
            if after_space:
                text = text.lstrip()
            if text:
                after_space = text.endswith(" ")
                yield False, text


def _html_prefix(pieces, length):
    """The markup of ``pieces`` up to where their text has said ``length`` characters, with
    the emphasis still open there closed."""
    out, open_tags = [], []
    for is_tag, piece in pieces:
        if not length:
            break
        if not is_tag:
            out.append(html.escape(piece[:length], quote=False))
            length -= min(length, len(piece))
            continue
        out.append(piece)
        if piece.startswith("</"):
            open_tags.pop()
        else:
            open_tags.append(piece[1:-1])
    return "".join(out) + "".join(f"</{tag}>" for tag in reversed(open_tags))


PINGBACK_EXCERPT_WORDS = 30
# WordPress wraps a linking page's excerpt in "[...]" (or "[…]") marks.
_ELLIPSIS_MARKS = re.compile(r"^(?:\s*\[(?:\.\.\.|…)\])+|(?:\[(?:\.\.\.|…)\]\s*)+$")


def pingback_excerpt(body_html: str) -> str:
    """A pingback's or trackback's stored HTML -> a few words of plain text ("" if none)."""
    text = " ".join(html.unescape(strip_tags(body_html)).split())
    text = _ELLIPSIS_MARKS.sub("", text).strip()
    return Truncator(text).words(PINGBACK_EXCERPT_WORDS, truncate="…")


# What ends a sentence, in several scripts (an ellipsis, an interrobang, CJK, Arabic,
# Devanagari), and the quotation marks that may close after it
# ("“Why?”"; not a bracket: "(sic!)" is inside a sentence that still needs its stop).
SENTENCE_ENDS = frozenset(".?!…‽⁇⁈⁉。？！؟۔।॥")
CLOSING_MARKS = "\"'”’»›」』"


def ends_sentence(text: str) -> bool:
    """Whether ``text`` (a post's title) ends with its own sentence punctuation: a sentence
    that ends with it takes no full stop of ours ("On Why now?", not "On Why now?.")."""
    end = text.rstrip().rstrip(CLOSING_MARKS)
    return bool(end) and end[-1] in SENTENCE_ENDS
