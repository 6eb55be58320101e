"""Arabic and Hebrew posts, comments and names: every page that shows a post or a comment gives
its title and text their own direction (``dir="auto"``) and sets a name inside a sentence apart
(``<bdi>``), so a right-to-left post or comment reads right to left and mixed lines come out in
order."""

import html

import pytest

from comments.models import Comment
from tests.factories import make_comment, make_post
from tests.html import soup
from tests.posting import comment_url, form_data

pytestmark = pytest.mark.django_db

NAME = "مريم"
BODY = "مرحبا بالجميع، this is mixed نص عربي"


@pytest.fixture
def arabic(post):
    return make_comment(post, author_name=NAME, body=BODY)


def test_the_discussion_gives_each_comment_and_name_its_own_direction(client, post, arabic):
    page = soup(client.get(post.get_absolute_url()))
    card = page.select_one(f"#comment-{arabic.pk}")
    assert card.select_one(".comment-body")["dir"] == "auto"
    assert card.select_one(".comment-author")["dir"] == "auto"
    assert card.select_one(".comment-author").get_text() == NAME


def test_each_paragraph_list_and_quote_of_a_comment_takes_its_own_direction(client, post):
    mixed = make_comment(
        post, body="فقرة عربية\n\nand in English:\n\n1. feed\n2. wait\n\n> patience"
    )
    body = soup(client.get(post.get_absolute_url())).select_one(
        f"#comment-{mixed.pk} .comment-body"
    )
    # Each top-level block: the direction of a list or quote is found in its own text.
    assert [(block.name, block.get("dir")) for block in body.find_all(recursive=False)] == [
        ("p", "auto"), ("p", "auto"), ("ol", "auto"), ("blockquote", "auto"),
    ]  # fmt: skip
    assert [block.get("dir") for block in body.select("li, blockquote p")] == [None] * 3


def test_a_reply_form_and_a_thread_page_set_the_name_apart(client, post, arabic):
    reply = soup(client.get(f"{post.get_absolute_url()}?replyto={arabic.pk}"))
    assert reply.select_one("#respond-title bdi").get_text() == NAME
    assert reply.select_one(".replying-to a bdi").get_text() == NAME
    thread = soup(client.get(f"/comment/{arabic.pk}/thread/"))
    assert thread.select_one("h1.thread-title bdi").get_text() == NAME
    assert thread.select_one(f"#comment-{arabic.pk} .comment-body")["dir"] == "auto"


def test_the_form_fields_and_the_preview_take_their_text_s_direction(client, post):
    page = soup(client.get(post.get_absolute_url()))
    assert page.select_one("#respond textarea[name=body]")["dir"] == "auto"
    assert page.select_one("#respond input[name=name]")["dir"] == "auto"
    previewed = client.post(comment_url(post), form_data(client, post, body=BODY, preview="1"))
    assert soup(previewed).select_one("#comment-preview .comment-preview-body")["dir"] == "auto"


def test_the_edit_and_delete_pages_show_the_text_in_its_direction(client, post):
    client.post(comment_url(post), form_data(client, post, name=NAME, body=BODY))
    own = Comment.objects.get()
    edit = soup(client.get(f"/comment/{own.pk}/edit/"))
    assert edit.select_one("textarea[name=body]")["dir"] == "auto"
    delete = soup(client.get(f"/comment/{own.pk}/delete/"))
    assert delete.select_one(".comment-body")["dir"] == "auto"


def test_search_results_set_names_and_snippets_apart(client):
    post = make_post(title="Tomatoes")
    make_comment(post, author_name=NAME, body="tomato " + BODY)
    page = soup(client.get("/search/", {"q": "tomato"}))
    comment = page.select_one(".search-result--comment")
    assert [bdi.get_text() for bdi in comment.select(".search-result__title bdi")] == [
        NAME,
        "Tomatoes",
    ]
    assert comment.select_one(".search-result__title").get_text() == f"{NAME} on Tomatoes"
    assert comment.select_one(".search-result__snippet")["dir"] == "auto"


def test_a_hostile_name_in_a_search_heading_stays_text(client):
    post = make_post(title="<i>Tomatoes</i>")
    make_comment(post, author_name="<b>Mallory</b>", body="tomato soup")
    page = soup(client.get("/search/", {"q": "tomato"}))
    heading = page.select_one(".search-result--comment .search-result__title")
    assert heading.select("b, i") == []
    assert heading.get_text() == "<b>Mallory</b> on <i>Tomatoes</i>"


def test_the_comment_feed_gives_each_comment_its_direction(client, post, arabic):
    feed = client.get("/comments/feed/").content.decode()
    description = html.unescape(feed.split("<description>")[2].split("</description>")[0])
    assert description.startswith('<div dir="auto">') and BODY in description


POST_TITLE = "لماذا نكتب؟"
POST_AUTHOR = "سارة"
POST_BODY = "<p>نكتب لنفهم، and sometimes to forget.</p>"


@pytest.fixture
def arabic_post():
    return make_post(title=POST_TITLE, author_name=POST_AUTHOR, body=POST_BODY)


def assert_by_author_set_apart(meta):
    """ "By <name>" stays a sentence of the page's language, the name in its own direction."""
    assert [bdi.get_text() for bdi in meta.select("bdi")] == [POST_AUTHOR]
    assert meta.get_text().strip().startswith(f"By {POST_AUTHOR}")


def test_the_post_page_gives_the_title_and_text_their_direction(client, arabic_post):
    page = soup(client.get(arabic_post.get_absolute_url()))
    assert page.select_one("h1.post-title")["dir"] == "auto"
    assert page.select_one(".post-body")["dir"] == "auto"
    assert_by_author_set_apart(page.select_one(".post .post-meta"))


def test_the_home_page_gives_titles_and_excerpts_their_direction(client, arabic_post):
    summary = soup(client.get("/")).select_one(".post-summary")
    assert summary.select_one("h2")["dir"] == "auto"
    assert summary.select_one("h2").get_text() == POST_TITLE
    assert summary.select_one(".post-excerpt")["dir"] == "auto"
    assert_by_author_set_apart(summary.select_one(".post-meta"))


def test_the_archive_sets_each_title_apart(client, arabic_post):
    link = soup(client.get("/posts/")).select_one(".archive-list li a")
    assert link["dir"] == "auto" and link.get_text() == POST_TITLE


def test_a_post_found_by_search_has_its_title_in_its_direction(client, arabic_post):
    page = soup(client.get("/search/", {"q": "نكتب"}))
    result = page.select_one(".search-result--post")
    assert result.select_one(".search-result__title")["dir"] == "auto"
    assert result.select_one(".search-result__title").get_text() == POST_TITLE
    assert result.select_one(".search-result__snippet")["dir"] == "auto"
