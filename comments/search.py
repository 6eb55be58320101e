"""Finding visible comments by words: PostgreSQL full-text search, a plain fallback elsewhere.

On PostgreSQL each comment's text is kept as a ``tsvector`` in the configured language
(``COMMENTS_SEARCH_CONFIG``) in a stored generated column, ``search_vector``, with a GIN index
over comments of every status (``comment_search_idx``; migration 0020 adds both, 0023 widens
the index for the moderators' search; the posts' twin is blogapp's 0004). PostgreSQL
computes it on every insert and update, COPY included. It is not a model field because
SQLite (which ``make run`` uses) has neither: the queries name it with ``stored_vector``.

Stored rather than an expression index, because ranking and matching then read the vector
instead of parsing the text again: a phrase's positions are checked from it, and a word found
in half the comments is answered by reading the first rows of the table, not by building a
bitmap of every match. Even so ranking every match of a common word over a million comments
is slow, and so is ``ts_headline``: a search takes at most ``COMMENTS_SEARCH_CANDIDATES``
matches, in no particular order (the query has no ORDER BY, so PostgreSQL stops at the
limit), ranks only those, and writes snippets only for the rows of the page shown.
"""

import re

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import connection
from django.db.models import Expression, Q
from django.utils.html import escape
from django.utils.text import Truncator

from . import websearch
from .models import Comment
from .posts import published_posts
from .text import plain_text

# ts_headline marks the matched words with these; they cannot occur in a comment (control
# characters are refused by the form and stripped here), so after the text is stripped of
# tags and escaped they are the only place a <mark> is written.
MARK_START, MARK_STOP = "\x02", "\x03"
HEADLINE_OPTIONS = {"max_words": 35, "min_words": 15, "max_fragments": 2}
SNIPPET_CHARS = 240  # the fallback's snippet length
SNIPPET_LEAD = 60  # characters it shows before a searched word found further in
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f]")
_STAND_IN_ENTITY = re.compile(r"&#(?:x0*e00[01]|0*5734[45]);?", re.IGNORECASE)
_MARKED = re.compile("\ue000(.*?)\ue001")
_TAG = re.compile(r"<[^>]*>")


def uses_full_text_search():
    return connection.vendor == "postgresql"


def search_config():
    return settings.COMMENTS_SEARCH_CONFIG


SEARCH_COLUMN = "search_vector"


class StoredVector(Expression):
    """The stored ``search_vector`` column of the queried model's table (PostgreSQL only).
    Not a model field, so named here: as the query's own table, whatever alias it has."""

    def __init__(self):
        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{table}.{connection.ops.quote_name(SEARCH_COLUMN)}", []


def stored_vector():
    """The stored vector of the rows being queried (comments here, posts in blogapp)."""
    return StoredVector()


def search_query(text, config=None):
    """The reader's words as a tsquery: web-search syntax ("quoted phrase", or, -word),
    which never fails on what a reader types."""
    return SearchQuery(text, config=config or search_config(), search_type="websearch")


def visible_comments():
    """Comments a reader may find: approved, on a published post."""
    return Comment.objects.visible().filter(post__in=published_posts())


def ranked_comments(text):
    """PostgreSQL: the visible comments matching ``text`` as ``(rank, created_at, id)`` rows,
    in no order. Sliced, the query stops at the limit and ranks only the rows it keeps: its
    cost is bounded however common the words are (sorting would read every match)."""
    query = search_query(text)
    return (
        visible_comments()
        .annotate(document=stored_vector())
        .filter(document=query)
        .annotate(rank=SearchRank(stored_vector(), query))
        .order_by()
        .values_list("rank", "created_at", "pk")
    )


def comment_candidates(text, *, limit):
    """Up to ``limit`` matching visible comments as ``(rank, created_at, id)``, best first."""
    if uses_full_text_search():
        rows = ranked_comments(text)[:limit]
    else:
        condition = websearch.parse(text).condition(lambda term: starts_a_word("body", term))
        if condition is None:  # nothing to look for: a stray quote or a lone "or"
            return []
        rows = (
            visible_comments()
            .filter(condition)
            .order_by("-created_at", "-pk")
            .values_list("created_at", "pk")[:limit]
        )
        rows = [(0.0, created_at, pk) for created_at, pk in rows]
    return sorted(rows, key=lambda row: (row[0], row[1], row[2]), reverse=True)


def comment_results(text, ids):
    """The comments ``ids`` (one page of results) with their post and a safe HTML snippet:
    ``{id: (comment, snippet_html)}``, in one query."""
    comments = (
        Comment.objects.filter(pk__in=ids)
        .select_related("post")
        .only(
            "id", "author_name", "created_at", "body_html", "post__id", "post__slug", "post__title"
        )
        .order_by()
    )
    if uses_full_text_search():
        comments = comments.annotate(
            headline=SearchHeadline(
                "body_html",
                search_query(text),
                config=search_config(),
                start_sel=MARK_START,
                stop_sel=MARK_STOP,
                **HEADLINE_OPTIONS,
            )
        )
        return {c.pk: (c, highlighted(c.headline, c.body_html)) for c in comments}
    return {c.pk: (c, plain_snippet(c.body_html, text)) for c in comments}


def highlighted(headline, document_html):
    """``ts_headline``'s output for ``document_html`` as safe HTML: made plain text, escaped,
    then only the match markers turned into ``<mark>``. Two private-use characters stand in
    for the markers meanwhile; the text's own (written or as entities) are dropped first.

    A document short enough to show whole (``max_words``) is shown whole, its matched words
    marked wherever they occur: ``ts_headline``'s fragments are made of words, so they left
    out a first word or a final question mark of a comment shorter than the snippet.
    """
    text = _without_stand_ins(headline).replace(MARK_START, "\ue000")
    text = _readable(text.replace(MARK_STOP, "\ue001"))
    # Counted on the tags' gaps first: reading the whole text costs ~50 µs a result.
    if len(_TAG.sub(" ", document_html).split()) <= HEADLINE_OPTIONS["max_words"]:
        whole = _readable(_without_stand_ins(document_html))
        return _marked_words(whole, set(_MARKED.findall(text)))
    return escape(text).replace("\ue000", "<mark>").replace("\ue001", "</mark>")


def _without_stand_ins(text):
    """``text`` without the characters that stand in for marks (written or as entities)."""
    return _STAND_IN_ENTITY.sub("", text.replace("\ue000", "").replace("\ue001", ""))


def _marked_words(text, words):
    """``text`` escaped, each whole occurrence of one of ``words`` marked, in any case (as
    PostgreSQL's lexemes match)."""
    if not words:
        return escape(text)
    alternatives = "|".join(map(re.escape, sorted(words)))
    pattern = re.compile(rf"(?<!\w)({alternatives})(?!\w)", re.IGNORECASE)
    return _with_marks(text, [found.span() for found in pattern.finditer(text)])


def _readable(html_text):
    """The text a reader sees of stored HTML, without control characters (an entity of one
    reads as nothing)."""
    return plain_text(_strip_controls(html_text))


def _word_start(word):
    """``word`` as a regular expression that finds it only where a word begins (a word that
    itself begins with a sign, "°C", is found wherever it is)."""
    # A phrase's words follow each other with anything but a word between (as PostgreSQL's
    # phrase search reads "float, test" for "float test").
    escaped = r"\W+".join(re.escape(part) for part in word.split())
    return rf"(?<!\w){escaped}" if re.match(r"\w", word) else escaped


def starts_a_word(field, word):
    """The fallback's condition for one searched word: ``field`` has a word beginning with it,
    in any case. A word is found by its start, as a stem is ("starter" finds "starters"), and
    never inside another word ("a" does not find "data")."""
    return Q(**{f"{field}__iregex": _word_start(word)})


def word_starts(words):
    """What the fallback found of ``words`` in a text, as ``starts_a_word`` finds them: each
    match runs on to the end of its word, so "starter" marks all of "starters"."""
    alternatives = "|".join(_word_start(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?:{alternatives})\w*", re.IGNORECASE)


def plain_snippet(body, text):
    """The fallback's snippet: the text from a little before its first searched word ("…"
    where it is cut), escaped, the words marked. A snippet that always began at the text's
    start would not show why a long post was found."""
    plain = _readable(body)
    words = set(websearch.parse(text).terms)
    if not words:
        return escape(Truncator(plain).chars(SNIPPET_CHARS))
    found = word_starts(words)
    start = _snippet_start(plain, found)
    snippet = Truncator(plain[start:]).chars(SNIPPET_CHARS - (1 if start else 0))
    return ("…" if start else "") + _with_marks(
        snippet, [match.span() for match in found.finditer(snippet)]
    )


def _snippet_start(plain, found):
    """Where the snippet begins: at the text's start, or at a word's start about
    ``SNIPPET_LEAD`` characters before the first searched word when that lies further in."""
    first = found.search(plain)
    first = first.start() if first else 0
    if first <= SNIPPET_CHARS - SNIPPET_LEAD:
        return 0
    space = plain.rfind(" ", 0, first - SNIPPET_LEAD)
    return space + 1 if space != -1 else first - SNIPPET_LEAD


def _with_marks(text, spans):
    """``text`` escaped, each ``(begin, end)`` span of it in a ``<mark>`` (overlapping spans
    merged). Escaping the pieces after finding them keeps a mark out of any entity."""
    out, written = [], 0
    for begin, end in sorted(spans):
        if end <= written:
            continue
        begin = max(begin, written)
        out += [escape(text[written:begin]), "<mark>", escape(text[begin:end]), "</mark>"]
        written = end
    out.append(escape(text[written:]))
    return "".join(out)


def _strip_controls(text):
    """``text`` without control characters but line breaks and tabs (one regex pass: a
    character loop cost ~1 ms a page of headlines)."""
    return _CONTROLS.sub("", text)
