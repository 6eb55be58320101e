"""Imported comment HTML reshaped into what a comment may contain, before it is sanitised;
WordPress's paragraph-less HTML given its paragraphs (comments and, for the importer, posts).

Old blogs' comments hold headings, tables and definition lists, which a comment here does not
keep (``text.COMMENT_TAGS``): stripped by the sanitiser alone, their words would run together.
So headings become bold paragraphs, each table row a paragraph of its cells, each definition
term and description a paragraph of its own. WordPress stores its comments without paragraph
tags ("autop": blank lines separate paragraphs, single line breaks are kept); ``autop`` adds
them as WordPress does when it shows a comment, around lists, quotes and code blocks too.

Plain string work on markup that is sanitised right after (``text.render_comment_body``):
nothing here has to be safe, only readable.
"""

import re

# Block-level elements: paragraphs go around them, never inside or across them (and
# comments.text.plain_text puts a space where one starts or ends).
BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|blockquote|address|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup"
    r"|header|footer|nav|figure|figcaption|details|summary|main)"
)
_FLAGS = re.IGNORECASE | re.DOTALL

_PRE = re.compile(r"<pre[\s>].*?</pre>", _FLAGS)
_HEADING = re.compile(r"<h[1-6](?:\s[^>]*)?>(.*?)</h[1-6]\s*>", _FLAGS)
_ROW = re.compile(r"<tr(?:\s[^>]*)?>(.*?)</tr\s*>", _FLAGS)
_CELL = re.compile(r"<(t[hd])(?:\s[^>]*)?>(.*?)</t[hd]\s*>", _FLAGS)
_CAPTION = re.compile(r"<caption(?:\s[^>]*)?>(.*?)</caption\s*>", _FLAGS)
_TABLE_FRAME = re.compile(r"</?(?:table|thead|tbody|tfoot|colgroup|col)(?:\s[^>]*)?/?>", _FLAGS)
_TERM = re.compile(r"<dt(?:\s[^>]*)?>(.*?)</dt\s*>", _FLAGS)
_DESCRIPTION = re.compile(r"<dd(?:\s[^>]*)?>(.*?)</dd\s*>", _FLAGS)
_AS_PARAGRAPH = re.compile(r"<(/?)(?:address|figcaption)(?:\s[^>]*)?>", _FLAGS)
_CONTAINER = re.compile(
    r"</?(?:dl|div|section|article|aside|header|footer|figure|hgroup|nav|main)(?:\s[^>]*)?>|"
    r"<hr(?:\s[^>]*)?/?>",
    _FLAGS,
)

_IMAGE = re.compile(r"<img\b([^>]*)>", _FLAGS)
_ATTRIBUTE = r"\b{}\s*=\s*(?:\"([^\"]*)\"|'([^']*)')"
_SRC = re.compile(_ATTRIBUTE.format("src"), re.IGNORECASE)
_ALT = re.compile(_ATTRIBUTE.format("alt"), re.IGNORECASE)

_BEFORE_BLOCK = re.compile(rf"<({BLOCKS}[\s/>])", re.IGNORECASE)
_AFTER_BLOCK = re.compile(rf"(</{BLOCKS}>)", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_P_BEFORE_BLOCK_TAG = re.compile(rf"<p>\s*(</?{BLOCKS}[^>]*>)", re.IGNORECASE)
_P_AFTER_BLOCK_TAG = re.compile(rf"<(/?{BLOCKS}[^>]*>)\s*</p>", re.IGNORECASE)
_LINE_BREAK = re.compile(r"(?<!<br>)\s*\n")
_BR_AFTER_BLOCK_TAG = re.compile(rf"<(/?{BLOCKS}[^>]*>)\s*<br>", re.IGNORECASE)
_BR_BEFORE_BLOCK_TAG = re.compile(rf"<br>(\s*</?{BLOCKS}[^>]*>)", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>")

# Cheap first looks that let most comments skip the passes above: a comment without any block
# tag, or without any of the structures flattened, goes through two or three passes, not twenty
# (an import renders every comment: 20 regex passes were most of a 100,000-comment import).
_ANY_BLOCK = re.compile(rf"</?{BLOCKS}", re.IGNORECASE)
_ANY_STRUCTURE = re.compile(
    r"</?(?:img|h[1-6r]|caption|t[rhd]|table|thead|tbody|tfoot|col|d[ltd]|address|figcaption|div"
    r"|section|article|aside|header|footer|figure|hgroup|nav|main)",
    re.IGNORECASE,
)
# With no block tag in the text, the only ones are the paragraphs ``autop`` wrote. (Patterns
# start with a literal "<", not a group, so the regex engine can skip ahead to each "<".)
_BR_AFTER_PARAGRAPH_TAG = re.compile(r"<(/?p>)\s*<br>", re.IGNORECASE)
_BR_BEFORE_PARAGRAPH_TAG = re.compile(r"<br>(\s*</?p>)", re.IGNORECASE)


def _protect_pre(html):
    """Take the ``<pre>`` blocks out (their line breaks are their layout); put them back with
    the returned function."""
    if "<" not in html or _PRE.search(html) is None:
        return html, lambda text: text
    blocks = []

    def hold(match):
        blocks.append(match.group(0))
        return f"\n\n\x00{len(blocks) - 1}\x00\n\n"

    held = _PRE.sub(hold, html)

    def restore(text):
        return re.sub(r"(?:<p>)?\x00(\d+)\x00(?:</p>)?", lambda m: blocks[int(m.group(1))], text)

    return held, restore


def _row(match):
    cells = []
    for tag, content in _CELL.findall(match.group(1)):
        content = content.strip()
        if content:
            cells.append(f"<strong>{content}</strong>" if tag.lower() == "th" else content)
    return f"<p>{' · '.join(cells)}</p>" if cells else ""


def _image_link(match):
    """An image a comment cannot show -> a link to it, named by its alt text (or file name)."""
    src, alt = _SRC.search(match.group(1)), _ALT.search(match.group(1))
    if not src:
        return ""
    url = src.group(1) or src.group(2) or ""
    name = (alt.group(1) or alt.group(2) or "").strip() if alt else ""
    name = name or url.rsplit("/", 1)[-1].split("?", 1)[0] or url
    return f'<a href="{url}">{name}</a>'


def flatten_structure(html: str) -> str:
    """Headings, tables, definition lists and page sections -> paragraphs; images -> links."""
    if "<" not in html or _ANY_STRUCTURE.search(html) is None:
        return html
    html = _IMAGE.sub(_image_link, html)
    html = _HEADING.sub(r"<p><strong>\1</strong></p>", html)
    html = _CAPTION.sub(r"<p>\1</p>", html)
    html = _ROW.sub(_row, html)
    html = _TABLE_FRAME.sub("\n\n", html)
    html = _TERM.sub(r"<p><strong>\1</strong></p>", html)
    html = _DESCRIPTION.sub(r"<p>\1</p>", html)
    html = _AS_PARAGRAPH.sub(r"<\1p>", html)
    return _CONTAINER.sub("\n\n", html)


def _is_one_plain_paragraph(html):
    """``<p>text</p>`` with no other tag and no line break: HTML importers' usual comment."""
    return (
        html.startswith("<p>")
        and html.endswith("</p>")
        and "<" not in html[3:-4]
        and "\n" not in html
    )


def autop(html: str) -> str:
    """WordPress's paragraphs: blank lines separate them, a single line break is a ``<br>``."""
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    if "<" not in html and "\n" not in html:
        return f"<p>{html}</p>" if html.strip() else ""
    if _is_one_plain_paragraph(html):  # what the passes below would return, ~40 µs sooner
        return html if html[3:-4].strip() else ""
    has_blocks = _ANY_BLOCK.search(html) is not None
    if has_blocks:
        html = _BEFORE_BLOCK.sub(r"\n\n<\1", html)
        html = _AFTER_BLOCK.sub(r"\1\n\n", html)
    paragraphs = (part.strip("\n") for part in _PARAGRAPH_BREAK.split(html))
    html = "\n".join(f"<p>{part}</p>" for part in paragraphs if part.strip())
    if has_blocks:
        html = _P_BEFORE_BLOCK_TAG.sub(r"\1", html)
        html = _P_AFTER_BLOCK_TAG.sub(r"<\1", html)
    if "\n" in html:
        html = _LINE_BREAK.sub("<br>", html)
    if has_blocks:
        html = _BR_AFTER_BLOCK_TAG.sub(r"<\1", html)
        html = _BR_BEFORE_BLOCK_TAG.sub(r"\1", html)
    else:
        html = _BR_AFTER_PARAGRAPH_TAG.sub(r"<\1", html)
        html = _BR_BEFORE_PARAGRAPH_TAG.sub(r"\1", html)
    return _EMPTY_PARAGRAPH.sub("", html)


def add_paragraphs(html: str) -> str:
    """``autop`` for a whole body: its ``<pre>`` blocks keep their line breaks. Block-editor
    content (``<!-- wp:`` marks) already has its paragraphs, as WordPress assumes too."""
    if "<!-- wp:" in html:
        return html
    held, restore_pre = _protect_pre(html)
    return restore_pre(autop(held))


def readable_comment_html(html: str, *, add_paragraphs: bool) -> str:
    """Imported comment HTML in the shapes a comment keeps; ``add_paragraphs`` for WordPress's
    paragraph-less storage."""
    html, restore_pre = _protect_pre(html)
    html = flatten_structure(html)
    if add_paragraphs:
        html = autop(html)
    return restore_pre(html)


def drop_empty_paragraphs(html: str) -> str:
    """What the parser leaves of a stray ``</p>`` (an empty paragraph) goes."""
    return _EMPTY_PARAGRAPH.sub("", html)
