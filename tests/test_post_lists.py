"""The lists of posts: the home page with a plain-text excerpt of each post, made when it is
saved or imported, and the archive of every post by year."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import call_command

from blogapp.models import Post
from blogapp.text import plain_excerpt
from tests.factories import make_comment, make_post
from tests.html import soup
from tests.importers.conftest import WXR_THEME, sample

pytestmark = pytest.mark.django_db

STRUCTURED = (
    "<h2>A big heading</h2><p>First <strong>paragraph</strong> of prose.</p>"
    "<ul><li>a list item</li></ul><pre>code()</pre><table><tr><td>cell</td></tr></table>"
    "<p>Second paragraph.</p>"
)


def test_the_excerpt_is_the_prose_without_headings_lists_code_or_tables():
    assert plain_excerpt(STRUCTURED) == "First paragraph of prose. Second paragraph."


def test_a_post_of_only_headings_and_lists_still_gets_words():
    assert plain_excerpt("<h2>Only</h2><ul><li>a list</li></ul>") == "Only a list"


def test_the_excerpt_is_cut_to_a_few_words():
    excerpt = plain_excerpt("<p>" + "word " * 200 + "</p>")
    assert excerpt.endswith("…") and len(excerpt.split()) == 40


def test_the_home_page_shows_plain_text_excerpts(client):
    post = make_post(body=STRUCTURED + "<p><script>alert(1)</script>&lt;b&gt;</p>")
    assert post.excerpt.startswith("First paragraph of prose.")
    page = soup(client.get("/"))
    excerpt = page.select_one(".post-summary .post-excerpt")
    assert excerpt.name == "p"
    assert excerpt.find() is None  # no elements inside: plain text
    assert excerpt.get_text() == post.excerpt
    assert "heading" not in excerpt.get_text() and "cell" not in excerpt.get_text()


def test_saving_a_changed_body_refreshes_the_excerpt():
    post = make_post(body="<p>Old words.</p>")
    post.body = "<p>New words.</p>"
    post.save(update_fields=["body"])
    post.refresh_from_db()
    assert post.excerpt == "New words."


def test_imported_posts_get_their_excerpts(client):
    call_command("import_archive", sample(WXR_THEME), stdout=io.StringIO())
    posts = Post.objects.published()
    assert posts.count() > 50
    for post in posts:
        assert "<" not in post.excerpt and len(post.excerpt.split()) <= 41, post.slug
    markup = Post.objects.get(slug="markup-html-tags-and-formatting")
    assert markup.excerpt and "Header two" not in markup.excerpt  # an <h2>
    page = soup(client.get("/"))
    assert not page.select(".post-excerpt h1, .post-excerpt h2, .post-excerpt ul, .post-excerpt li")


def test_the_archive_lists_every_published_post_by_year(client, django_assert_max_num_queries):
    make_post(title="Old one", published_at=datetime(2019, 5, 1, 12, tzinfo=UTC))
    make_post(title="New one", published_at=datetime(2024, 3, 2, 12, tzinfo=UTC))
    make_post(title="Draft", status=Post.Status.DRAFT)
    with django_assert_max_num_queries(3):
        page = soup(client.get("/posts/"))
    years = [h.get_text() for h in page.select(".archive-year h2")]
    assert years == ["2024", "2019"]
    titles = [a.get_text() for a in page.select(".archive-list a")]
    assert titles == ["New one", "Old one"]
    assert page.select_one(".site-nav a[aria-current=page]").get_text() == "Posts"


def test_every_page_of_the_home_page_cuts_the_same_order(client, django_assert_max_num_queries):
    """Later pages read the index from the end; ties on the date still fall on one page each."""
    same_day = datetime(2024, 1, 1, 12, tzinfo=UTC)
    for n in range(25):
        make_post(
            title=f"T{n:02}",
            published_at=same_day if n % 3 else datetime(2023, 1, n + 1, tzinfo=UTC),
        )
    expected = list(
        Post.objects.published().order_by("-published_at", "-id").values_list("title", flat=True)
    )
    shown = []
    for number in (1, 2, 3):
        with django_assert_max_num_queries(4):
            page = soup(client.get(f"/?page={number}"))
        shown += [a.get_text() for a in page.select(".post-summary h2 a")]
    assert shown == expected
    assert client.get("/?page=4").status_code == 404


def test_a_post_that_takes_no_comments_and_has_none_says_so(client):
    make_post(title="Open")
    make_post(title="Closed, empty", comments_open=False)
    closed_with = make_post(title="Closed, discussed", comments_open=True)
    make_comment(closed_with)
    Post.objects.filter(pk=closed_with.pk).update(comments_open=False)
    page = soup(client.get("/"))
    meta = {
        card.select_one("h2").get_text(strip=True): card.select_one(".post-meta")
        for card in page.select(".post-summary")
    }
    assert meta["Open"].select_one("a[href$='#comments']").get_text() == "0 comments"
    assert meta["Closed, discussed"].select_one("a[href$='#comments']").get_text() == "1 comment"
    assert meta["Closed, empty"].select_one("a[href$='#comments']") is None
    assert "Comments closed" in meta["Closed, empty"].get_text()


def test_the_lists_titles_name_the_site_and_a_later_page(client):
    for _ in range(11):  # two pages of the home page's list
        make_post()

    def title(url):
        return soup(client.get(url)).select_one("title").get_text()

    assert title("/") == "The Blog"
    assert title("/?page=2") == "Latest posts, page 2 · The Blog"
    assert title("/posts/") == "All posts · The Blog"
    german = soup(client.get("/?page=2", headers={"accept-language": "de"}))
    assert german.select_one("title").get_text() == "Neueste Beiträge, Seite 2 · Das Blog"
