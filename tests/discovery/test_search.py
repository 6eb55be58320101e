"""The site search: the header's form, full-text matching on PostgreSQL (stemming, ranking,
highlighted and sanitised snippets, paging), what it never shows, and its fallback."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from blogapp.models import Post
from comments import search as comment_search
from comments.models import Comment
from comments.services import comments_moderate
from tests.factories import make_comment, make_post
from tests.html import soup
from tests.importers.conftest import TEXT_SAMPLE, sample

pytestmark = pytest.mark.django_db


def results(response):
    page = soup(response)
    return [
        (
            item["class"][1].removeprefix("search-result--"),
            item.select_one(".search-result__title a")["href"],
            item.select_one(".search-result__snippet"),
        )
        for item in page.select("li.search-result")
    ]


@pytest.fixture
def garden():
    post = make_post(title="Growing tomatoes", body="<p>Notes on the <b>garden</b>.</p>")
    other = make_post(title="Bicycles", body="<p>Chains and gears.</p>")
    comment = make_comment(other, author_name="Alice", author_email="alice@example.com",
                           body="My tomato plants love the sun on the balcony.")  # fmt: skip
    hidden = [
        make_comment(other, body="Pending tomato talk", status="pending"),
        make_comment(other, body="Spam tomato offer", status="spam"),
    ]
    removed = make_comment(other, body="Removed tomato remark")
    comments_moderate(comments=[removed], status="removed", moderator=None)
    draft = make_post(title="Secret tomato draft")
    make_comment(draft, body="A tomato comment on a post that is now a draft")
    Post.objects.filter(pk=draft.pk).update(status=Post.Status.DRAFT)
    return {"post": post, "comment": comment, "hidden": [*hidden, removed]}


def test_every_page_has_the_search_form_in_its_header(client, post):
    for url in ["/", post.get_absolute_url(), "/search/?q=x"]:
        form = soup(client.get(url)).select_one("header form.site-search")
        assert form["method"] == "get"
        assert form["action"] == "/search/"
        field = form.select_one('input[name="q"]')
        assert field is not None
        assert form.select_one(f'label[for="{field["id"]}"]') is not None


@pytest.mark.postgres  # stemming and ranking are PostgreSQL's
def test_search_finds_posts_and_visible_comments_by_stemmed_words(client, garden):
    found = results(client.get("/search/", {"q": "tomatoes"}))
    assert {(kind, href) for kind, href, _ in found} == {
        ("post", garden["post"].get_absolute_url()),
        ("comment", f"/comment/{garden['comment'].pk}/"),
    }
    page = client.get("/search/", {"q": "tomatoes"}).content.decode()
    for hidden in garden["hidden"]:
        assert hidden.body not in page
    assert "draft" not in page.lower()
    assert "alice@example.com" not in page


def test_a_comment_result_leads_to_the_comment_on_its_page(client, garden):
    comment = garden["comment"]
    [(_kind, href, _snippet)] = results(client.get("/search/", {"q": "balcony"}))
    landing = client.get(href)
    assert landing["Location"].endswith(f"#comment-{comment.pk}")
    assert client.get(landing["Location"]).status_code == 200


def test_snippets_mark_the_words_found(client, garden):
    [(_kind, _href, snippet)] = results(client.get("/search/", {"q": "balcony"}))
    assert [mark.get_text() for mark in snippet.find_all("mark")] == ["balcony"]
    assert "sun on the" in snippet.get_text()


def test_snippets_are_safe_html_whatever_the_text(client, post):
    make_comment(post, body='<img src=x onerror=alert(1)> hostile <script>alert(2)</script>'
                            ' text & "quotes" <mark>fake</mark>')  # fmt: skip
    response = client.get("/search/", {"q": "hostile"})
    [(_kind, _href, snippet)] = results(response)
    assert {tag.name for tag in snippet.find_all(True)} == {"mark"}
    assert [mark.get_text() for mark in snippet.find_all("mark")] == ["hostile"]
    assert "<img" not in response.content.decode()
    assert "<script>alert(2)" not in response.content.decode()


@pytest.mark.postgres  # stemming and ranking are PostgreSQL's
@pytest.mark.parametrize("full_text", [True, False], ids=["postgresql", "fallback"])
def test_snippets_read_as_the_page_does(client, monkeypatch, full_text):
    """Entities are read ("&gt;" is ">") and blocks keep their words apart; a character
    that stands in for a mark while the snippet is built marks nothing."""
    if not full_text:
        monkeypatch.setattr(comment_search, "uses_full_text_search", lambda: False)
    make_post(
        title="Settings",
        body="<p>Open Settings &gt; Discussion &amp; more.</p><ul><li>Threaded</li>"
        "<li>Paged</li></ul><p>Nothing&#xE000; else&#57345;</p>",
    )
    [(_kind, _href, snippet)] = results(client.get("/search/", {"q": "discussion"}))
    text = snippet.get_text().replace("\ue000", "").replace("\ue001", "")
    assert text == "Open Settings > Discussion & more. Threaded Paged Nothing else"
    assert [mark.get_text() for mark in snippet.find_all("mark")] == ["Discussion"]


@pytest.mark.parametrize("full_text", [True, False], ids=["postgresql", "fallback"])
def test_a_comments_snippet_shows_its_code_and_angle_brackets(client, post, monkeypatch, full_text):
    """The snippet is made from the text as the page shows it, not from its Markdown, where
    "<div>" and "a<b and c>d" would read as tags and vanish."""
    if not full_text:
        monkeypatch.setattr(comment_search, "uses_full_text_search", lambda: False)
    make_comment(post, body="Wrap it in a `<div>` element, since a<b and c>d here.")
    [(_kind, _href, snippet)] = results(client.get("/search/", {"q": "wrap"}))
    assert snippet.get_text() == "Wrap it in a <div> element, since a<b and c>d here."
    assert [mark.get_text() for mark in snippet.find_all("mark")] == ["Wrap"]


@pytest.mark.postgres  # ts_headline's fragments are PostgreSQL's
def test_a_short_comment_is_shown_whole_with_every_match_marked(client, post):
    """ts_headline makes fragments of words: it left out "My" and the final "?" of a comment
    shorter than a snippet. Such a comment is shown whole; a long one as fragments."""
    short = "Starter smells of acetone in the fridge. Is that the starters' sluggishness?"
    make_comment(post, body=short)
    [(_kind, _href, snippet)] = results(client.get("/search/", {"q": "starter"}))
    assert snippet.get_text() == short
    assert [mark.get_text() for mark in snippet.find_all("mark")] == ["Starter", "starters"]

    filler = " ".join(f"word{i}" for i in range(60))
    make_comment(post, body=f"{filler} and then the pumpernickel came out dense. {filler}")
    [(_kind, _href, snippet)] = results(client.get("/search/", {"q": "pumpernickel"}))
    assert len(snippet.get_text().split()) <= comment_search.HEADLINE_OPTIONS["max_words"]
    assert [mark.get_text() for mark in snippet.find_all("mark")] == ["pumpernickel"]


def test_results_are_ranked_best_first(client, post):
    once = make_comment(post, body="A kettle and many other things in a long list of words.")
    often = make_comment(post, body="Kettle, kettle, kettle: the kettle.")
    titled = make_post(title="The kettle", body="<p>About tea.</p>")
    found = [href for _kind, href, _snippet in results(client.get("/search/", {"q": "kettle"}))]
    assert found == [titled.get_absolute_url(), f"/comment/{often.pk}/", f"/comment/{once.pk}/"]


def test_results_are_paged(client, post, settings):
    settings.COMMENTS_SEARCH_PER_PAGE = 2
    now = timezone.now()
    for i in range(5):
        make_comment(post, body=f"Lantern number {i}", created_at=now - timedelta(minutes=i))
    first = client.get("/search/", {"q": "lantern"})
    second = client.get("/search/", {"q": "lantern", "page": 2})
    third = client.get("/search/", {"q": "lantern", "page": 3})
    seen = [href for page in (first, second, third) for _k, href, _s in results(page)]
    assert len(seen) == 5 and len(set(seen)) == 5
    assert "5 results" in first.content.decode()
    nav = soup(first).select_one("nav.pagination a[rel=next]")
    assert nav["href"] == "?q=lantern&page=2"
    assert client.get("/search/", {"q": "lantern", "page": 4}).status_code == 404
    assert client.get("/search/", {"q": "lantern", "page": "x"}).status_code == 404


def test_the_candidate_set_is_bounded_and_says_so(client, post, settings):
    settings.COMMENTS_SEARCH_CANDIDATES = 3
    for i in range(5):
        make_comment(post, body=f"Walnut {i}")
    response = client.get("/search/", {"q": "walnut"})
    assert len(results(response)) == 3
    assert "More than 3 results" in response.content.decode()


def test_no_words_no_search_and_odd_input_is_harmless(client, garden):
    empty = client.get("/search/", {"q": "   "})
    assert empty.status_code == 200
    assert results(empty) == []
    for odd in ['"unclosed', "a & | ! :* ()", "-", "x" * 5000, "'; DROP TABLE x; --",
                "tomato\x00\x1b[31m", "\u202etomato"]:  # fmt: skip
        response = client.get("/search/", {"q": odd})
        assert response.status_code == 200, odd
    nothing = soup(client.get("/search/", {"q": "zeppelin"}))
    assert nothing.select_one('[role="status"]').get_text() == (
        "Nothing found for “zeppelin”. Try other words, or fewer of them."
    )
    assert nothing.select("ol") == []  # no numbered list with nothing in it


def test_a_long_query_is_echoed_as_it_was_searched(client, garden):
    """The page says what it searched for: the whole words of the first 200 characters,
    spaced once, not the 2,000 an address can carry (the search box takes 200)."""
    words = ("tomato  " + "x" * 2000).replace("x" * 10, "x" * 9 + " ")
    searched = "tomato " + " ".join(["xxxxxxxxx"] * 19)  # 197 characters: the 20th is cut
    page = soup(client.get("/search/", {"q": words}))
    assert page.select_one('[role="status"]').get_text() == (
        f"Nothing found for “{searched}”. Try other words, or fewer of them."
    )
    assert page.select_one("#site-search-q")["value"] == searched
    assert page.title.get_text().startswith(f"Search: {searched} · ")


def test_a_long_query_is_cut_after_a_whole_word(client, garden):
    """No word's first letters are searched for as a word of their own ("sour" of
    "sourdough")."""
    page = soup(client.get("/search/", {"q": "tomato " + "a" * 188 + " sourdough"}))
    assert page.select_one("#site-search-q")["value"] == "tomato " + "a" * 188
    unbroken = "b" * 250  # one word longer than the limit: cut inside it
    page = soup(client.get("/search/", {"q": unbroken}))
    assert page.select_one("#site-search-q")["value"] == "b" * 200


def test_a_quoted_phrase_is_shown_once_in_its_own_quotes(client, garden):
    """The reader's quotes are theirs: ours are not added around them."""
    found = soup(client.get("/search/", {"q": '"tomato plants"'}))
    assert found.select_one('[role="status"]').get_text() == '1 result for "tomato plants"'
    nothing = soup(client.get("/search/", {"q": "“zeppelin crash”"}))
    assert nothing.select_one('[role="status"]').get_text() == (
        "Nothing found for “zeppelin crash”. Try other words, or fewer of them."
    )
    # Quotes that do not enclose the words are words: the whole is quoted as usual.
    partly = soup(client.get("/search/", {"q": '"tomato plants" sun'}))
    assert partly.select_one('[role="status"]').get_text() == '1 result for “"tomato plants" sun”'


@pytest.mark.postgres
def test_the_search_page_makes_three_queries(client, garden, django_assert_num_queries):
    # The candidates of both kinds in one, then the page's posts and its comments.
    with django_assert_num_queries(3):
        response = client.get("/search/", {"q": "tomato"})
    assert len(results(response)) == 2


@pytest.mark.postgres
def test_the_comment_and_post_queries_use_their_gin_indexes(post):
    # Enough rows for an index to be worth it for a rare word (a seq scan stays cheaper for
    # a table this small, so it is turned off below).
    Comment.objects.bulk_create(
        Comment(
            post=post,
            body=f"ordinary words {i}",
            body_html="",
            status="approved",
            tree_id=i + 1,
            lft=1,
            rght=2,
            level=0,
        )  # fmt: skip
        for i in range(3000)
    )
    make_comment(post, body="a tomato")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE comments_comment")
    query = comment_search.search_query("tomato")
    comments = (
        comment_search.visible_comments()
        .annotate(document=comment_search.stored_vector())
        .filter(document=query)
        .order_by()
    )
    assert [c.body for c in comments] == ["a tomato"]
    posts = Post.objects.annotate(document=comment_search.stored_vector()).filter(document=query)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # nor walk another index in order
        assert "Bitmap Index Scan on comment_search_idx" in comments.explain()
        assert "Bitmap Index Scan on post_search_idx" in posts.explain()


def test_the_fallback_finds_and_marks_words_by_their_start_never_inside_others(client, monkeypatch):
    """A searched word is found, and marked, where a word begins: "a" is "A", "an", "apple",
    never the "a"s of "data" or "can"; a word beginning with a sign is found anywhere."""
    monkeypatch.setattr(comment_search, "uses_full_text_search", lambda: False)
    post = make_post(title="Weather log", body="<p>Rain, 12°C, a gale.</p>")
    metadata = make_post(title="Metadata", body="<p>The data can wait.</p>")
    make_comment(post, body="The data can wait, said the man.")
    found = make_comment(post, body="A tomato, an apple and data: the Apple cart.")
    hits = results(client.get("/search/", {"q": "a"}))
    assert [(kind, href) for kind, href, _ in hits] == [
        ("comment", f"/comment/{found.pk}/"),
        ("post", post.get_absolute_url()),
    ]
    marks = [[m.get_text() for m in snippet.find_all("mark")] for _, _, snippet in hits]
    assert marks == [["A", "an", "apple", "and", "Apple"], ["a"]]
    assert hits[0][2].get_text() == "A tomato, an apple and data: the Apple cart."
    # A word is found by its start, as a stem is ("meta", "Metadata"), never by its middle.
    [(kind, href, snippet)] = results(client.get("/search/", {"q": "meta"}))
    assert (kind, href) == ("post", metadata.get_absolute_url())
    assert results(client.get("/search/", {"q": "ata"})) == []
    [(_, _, snippet)] = results(client.get("/search/", {"q": "°C"}))
    assert [m.get_text() for m in snippet.find_all("mark")] == ["°C"]


def test_the_fallback_without_postgresql_finds_and_marks_words(client, garden, monkeypatch):
    monkeypatch.setattr(comment_search, "uses_full_text_search", lambda: False)
    found = results(client.get("/search/", {"q": "Balcony"}))
    assert [(kind, href) for kind, href, _ in found] == [
        ("comment", f"/comment/{garden['comment'].pk}/")
    ]
    assert [m.get_text() for m in found[0][2].find_all("mark")] == ["balcony"]
    titles = results(client.get("/search/", {"q": "tomatoes"}))
    assert ("post", garden["post"].get_absolute_url()) in [(k, h) for k, h, _ in titles]
    # A post named by the words comes before newer comments that only mention them.
    make_comment(garden["post"], body="More tomato plants this year.")
    found = results(client.get("/search/", {"q": "Tomato"}))
    assert [kind for kind, _, _ in found] == ["post", "comment", "comment"]
    assert found[0][1] == garden["post"].get_absolute_url()
    # A long text's snippet is its start, marked as cut.
    make_comment(garden["post"], body="Balcony " + "sunny words " * 40)
    [(_, _, long_snippet)] = results(client.get("/search/", {"q": "sunny"}))
    assert long_snippet.get_text().endswith("…") and len(long_snippet.get_text()) <= 240
    # A word found far into a text: the snippet begins shortly before it, marked as cut.
    make_comment(garden["post"], body="plain words " * 60 + "the hidden courgette " + "end " * 5)
    [(_, _, far)] = results(client.get("/search/", {"q": "courgette"}))
    assert [m.get_text() for m in far.find_all("mark")] == ["courgette"]
    assert far.get_text().startswith("…words plain words") and len(far.get_text()) <= 240
    assert far.get_text().endswith("the hidden courgette end end end end end")
    # A word found inside a longer one is marked whole; no mark falls inside an entity.
    make_comment(garden["post"], body="Stiff starters & rye starter, amply fed, it's 27°")
    [(_, _, snippet)] = results(client.get("/search/", {"q": "starter amp 27"}))
    marked = [m.get_text() for m in snippet.find_all("mark")]
    assert marked == ["starters", "starter", "amply", "27"]
    assert snippet.get_text() == "Stiff starters & rye starter, amply fed, it's 27°"
    # A word that is also part of the mark's own tag is only marked in the text.
    make_comment(garden["post"], body="Her starter marks the day")
    [(_, _, snippet)] = results(client.get("/search/", {"q": "starter mark"}))
    assert {tag.name for tag in snippet.find_all(True)} == {"mark"}
    assert [m.get_text() for m in snippet.find_all("mark")] == ["starter", "marks"]
    assert snippet.get_text() == "Her starter marks the day"
    assert Comment.objects.filter(status="pending", body__icontains="tomato").exists()
    assert "Pending" not in client.get("/search/", {"q": "tomato"}).content.decode()


def test_imported_comments_are_found(client):
    """The importer's COPY fills the search column too (PostgreSQL computes it)."""
    call_command("import_archive", sample(TEXT_SAMPLE), stdout=StringIO(), stderr=StringIO())
    found = results(client.get("/search/", {"q": "mouse trap"}))
    [(kind, href, snippet)] = found
    brown = Comment.objects.get(author_name="Brown")
    assert (kind, href) == ("comment", f"/comment/{brown.pk}/")
    assert [m.get_text() for m in snippet.find_all("mark")] == ["mouse", "trap"]


@pytest.mark.parametrize("full_text", [True, False], ids=["postgresql", "fallback"])
@pytest.mark.parametrize(
    "query, found",
    [
        ('"float test"', {"ready"}),  # a phrase: its words in a row
        ("float -rye", {"ready", "later"}),  # a word excluded
        ("rye or caraway", {"sooner", "loaf"}),  # either word
        ('starter "float test"', {"ready"}),
        ('"', set()),  # a stray quote looks for nothing
    ],
)
def test_quotes_or_and_minus_work_with_and_without_postgresql(
    client, post, monkeypatch, full_text, query, found
):
    """The README promises web-search syntax; the fallback reads it as PostgreSQL does."""
    if not full_text:
        monkeypatch.setattr(comment_search, "uses_full_text_search", lambda: False)
    bodies = {
        "ready": "A float test tells when the starter is ready.",
        "sooner": "Rye flour makes the starter float sooner.",
        "loaf": "Caraway seeds in the loaf.",
        "later": "The test of time: float it later.",
    }
    for body in bodies.values():
        make_comment(post, body=body)
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    texts = [snippet.get_text() for _kind, _href, snippet in results(response)]
    assert {key for key, body in bodies.items() if any(body in text for text in texts)} == found
    if found == {"ready"}:
        [snippet] = [s for _k, _h, s in results(response)]
        assert "float test" in " ".join(m.get_text() for m in snippet.find_all("mark")).lower()


@pytest.mark.parametrize(
    ("typed", "shown"),
    [("why?", "“why?”"), ("Wow!", "“Wow!”"), ('"why now?"', '"why now?"'), ("لماذا؟", "“لماذا؟”")],
)
def test_words_that_end_a_sentence_take_no_full_stop_of_ours(client, garden, typed, shown):
    """ "Nothing found for “why?”." had two stops; the words' own "?" ends the sentence."""
    nothing = soup(client.get("/search/", {"q": typed}))
    assert nothing.select_one('[role="status"]').get_text() == (
        f"Nothing found for {shown} Try other words, or fewer of them."
    )
