"""The site's search: posts (here) and visible comments (``comments.search``) in one ranked,
paged list. The post side mirrors the comment side: a stored ``search_vector`` column with a
GIN index on PostgreSQL (``post_search_idx``, migration 0003; the title weighs more than the
text), a bounded candidate set, headlines only for the page.
"""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchRank
from django.core.paginator import Paginator
from django.db.models import Value
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from comments import search as comment_search
from comments import websearch
from comments.dates import DateLabeler
from comments.templatetags.bidi import isolated

from .models import Post

MAX_QUERY_LENGTH = 200  # characters of the reader's words that are searched for
_TITLE_MATCH = 1.0  # the fallback's rank of a post whose title holds every word (others: 0)


@dataclass
class Result:
    """One search result as the page shows it."""

    kind: str  # "post" or "comment"
    url: str
    heading: str  # the post's title; for a comment, who wrote it on which post (safe HTML)
    snippet: str  # safe HTML: escaped text with <mark>ed words
    date: object


def _candidates(text, *, limit):
    """Up to ``limit`` matching posts and ``limit`` matching visible comments, as
    ``(kind, rank, date, pk)`` rows in no order; on PostgreSQL in one query."""
    if comment_search.uses_full_text_search():
        query = comment_search.search_query(text)
        vector = comment_search.stored_vector()
        posts = (
            Post.objects.published()
            .annotate(document=vector)
            .filter(document=query)
            .annotate(rank=SearchRank(vector, query), kind=Value("post"))
            .order_by()  # any order: PostgreSQL stops at the limit
            .values_list("kind", "rank", "published_at", "pk")[:limit]
        )
        comments = (
            comment_search.ranked_comments(text)
            .annotate(kind=Value("comment"))
            .values_list("kind", "rank", "created_at", "pk")[:limit]
        )
        return list(posts.union(comments, all=True))
    return [("post", *row) for row in _fallback_post_candidates(text, limit=limit)] + [
        ("comment", *row) for row in comment_search.comment_candidates(text, limit=limit)
    ]


def _fallback_post_candidates(text, *, limit):
    """Without PostgreSQL: posts with every searched word, as ``(rank, published_at, pk)``."""
    searched = websearch.parse(text)
    condition = searched.condition(
        lambda term: (
            comment_search.starts_a_word("title", term) | comment_search.starts_a_word("body", term)
        )
    )
    if condition is None:  # nothing to look for: a stray quote or a lone "or"
        return []
    rows = (
        Post.objects.published()
        .filter(condition)
        .values_list("title", "published_at", "pk")[:limit]
    )
    # The fallback's one ranking: a post with every searched term in its title comes first.
    in_title = [comment_search.word_starts(alternatives) for alternatives in searched.wanted]
    return [
        (_TITLE_MATCH if all(w.search(title) for w in in_title) else 0.0, date, pk)
        for title, date, pk in rows
    ]


def _post_results(text, ids):
    posts = (
        Post.objects.filter(pk__in=ids)
        .only("id", "slug", "title", "published_at", "body_html")
        .order_by()
    )
    if comment_search.uses_full_text_search():
        posts = posts.annotate(
            headline=SearchHeadline(
                "body_html",
                comment_search.search_query(text),
                config=comment_search.search_config(),
                start_sel=comment_search.MARK_START,
                stop_sel=comment_search.MARK_STOP,
                **comment_search.HEADLINE_OPTIONS,
            )
        )
        return {p.pk: (p, comment_search.highlighted(p.headline, p.body_html)) for p in posts}
    return {p.pk: (p, comment_search.plain_snippet(p.body_html, text)) for p in posts}


def results_html(page):
    """The results of a ``search`` page as an HTML list (``blogapp/search_results.html``)."""
    context = {
        "results": page.object_list,
        "start": page.start_index(),
        "dated": DateLabeler().on_day,
    }
    html = render_to_string("blogapp/search_results.html", context, using="jinja2")
    return mark_safe(html)  # noqa: S308 - Jinja2 escaped it; headings and snippets come safe


def _comment_heading(comment):
    """Who wrote the comment on which post, as safe HTML: the name and the title each in
    their own direction (``<bdi>``), so a right-to-left name keeps the sentence in order."""
    title = isolated(comment.post.title)
    if comment.author_name:
        heading = escape(_("%(author)s on %(title)s")) % {
            "author": isolated(comment.author_name),
            "title": title,
        }
    else:
        heading = escape(_("A comment on %(title)s")) % {"title": title}
    return mark_safe(heading)  # noqa: S308 (escaped words, escaped names in <bdi>)


# Marks a reader may put around their words (for a phrase search): straight and typographic.
QUOTE_MARKS = frozenset("\"'“”„‟‘’‚‛«»‹›「」")


def quoted_query(text):
    """The reader's words as the page's sentences quote them ("3 results for “...”").

    Words the reader quoted already (a phrase, ``"a phrase"``) are shown as typed: our quotation
    marks around theirs would read as two sets of quotes."""
    if len(text) >= 2 and text[0] in QUOTE_MARKS and text[-1] in QUOTE_MARKS:
        return text
    return pgettext("the reader's search words, quoted in a sentence", "“%(query)s”") % {
        "query": text
    }


def searched_text(text):
    """What is searched for of the reader's ``text``: its words, spaced once, at most
    MAX_QUERY_LENGTH characters of them. The page says this, not what was sent: an address
    can carry far more than the search box's 200 characters, none of it searched."""
    # Control characters (a NUL cannot even reach PostgreSQL) are not words.
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    if len(text) <= MAX_QUERY_LENGTH:
        return text
    # Cut after a whole word: a word's first letters would be searched for as a word of
    # their own ("so" of "sourdough"). A first word longer than the limit is cut inside.
    cut = text[: MAX_QUERY_LENGTH + 1].rsplit(" ", 1)[0]
    return cut if len(cut) <= MAX_QUERY_LENGTH else text[:MAX_QUERY_LENGTH]


def search(text, page_number=1):
    """A page of results for ``text`` (a Django ``Page`` of ``Result``), or None for no words.

    At most three queries on PostgreSQL: the candidates of both kinds (ids and ranks only),
    then the page's posts and comments with their snippets. Raises ``InvalidPage`` for a page
    that does not exist.
    """
    text = searched_text(text)
    if not text:
        return None
    limit = settings.COMMENTS_SEARCH_CANDIDATES
    ranked = _candidates(text, limit=limit)
    # Best first; among equal ranks (the fallback's are all 0) the newest first.
    ranked.sort(key=lambda row: (row[1], row[2], row[0] == "post"), reverse=True)
    page = Paginator(ranked, settings.COMMENTS_SEARCH_PER_PAGE).page(page_number)
    post_ids = [pk for kind, _rank, _date, pk in page.object_list if kind == "post"]
    comment_ids = [pk for kind, _rank, _date, pk in page.object_list if kind == "comment"]
    posts = _post_results(text, post_ids) if post_ids else {}
    comments = comment_search.comment_results(text, comment_ids) if comment_ids else {}
    results = []
    for kind, _rank, _date, pk in page.object_list:
        if kind == "post" and pk in posts:
            post, snippet = posts[pk]
            results.append(
                Result("post", post.get_absolute_url(), post.title, snippet, post.published_at)
            )
        elif kind == "comment" and pk in comments:
            comment, snippet = comments[pk]
            url, date = comment.get_absolute_url(), comment.created_at
            results.append(Result("comment", url, _comment_heading(comment), snippet, date))
    page.object_list = results
    # More matches than were ranked: the count shown is a lower bound.
    found = Counter(kind for kind, *_row in ranked)
    page.capped = found["post"] >= limit or found["comment"] >= limit
    return page
