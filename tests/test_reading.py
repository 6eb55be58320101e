from datetime import timedelta

import pytest
from django.template import engines
from django.utils import timezone
from django.utils.safestring import mark_safe

from blogapp.models import Post
from comments.pages import DiscussionPageResponse
from tests.factories import make_comment, make_post, make_thread
from tests.html import comment_tree, soup

pytestmark = pytest.mark.django_db


def test_index_lists_published_posts_newest_first_with_visible_counts(client):
    older = make_post(title="Older", published_at=timezone.now() - timedelta(days=3))
    newer = make_post(title="Newer", published_at=timezone.now() - timedelta(days=1))
    make_post(title="Draft", status=Post.Status.DRAFT)
    make_comment(older)
    make_comment(older)
    make_comment(older, status="pending")
    make_comment(older, status="spam")
    make_comment(older, kind="pingback")

    page = soup(client.get("/"))
    titles = [a.get_text() for a in page.select(".post-summary h2 a")]
    assert titles == ["Newer", "Older"]
    counts = [a.get_text() for a in page.select(".post-summary .post-meta a")]
    assert counts == ["0 comments", "2 comments"]
    assert newer.title in titles


def test_index_is_paginated(client, settings):
    for _ in range(12):
        make_post()
    first = soup(client.get("/"))
    assert len(first.select(".post-summary")) == 10
    second = soup(client.get("/?page=2"))
    assert len(second.select(".post-summary")) == 2
    assert client.get("/?page=9").status_code == 404


def test_drafts_and_unknown_slugs_are_404(client):
    draft = make_post(status=Post.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/posts/no-such-post/").status_code == 404


def test_post_page_shows_the_nested_numbered_tree(client, post):
    one = make_comment(post, author_name="Ann")
    one_a = make_comment(post, parent=one, author_name="Bob")
    one_a_i = make_comment(post, parent=one_a, author_name="Cy")
    one_a_i_x = make_comment(post, parent=one_a_i, author_name="Di")
    one_b = make_comment(post, parent=one, author_name="Ed")
    two = make_comment(post, author_name="Fay")
    three = make_comment(post, author_name="")

    tree = comment_tree(client.get(post.get_absolute_url()))
    assert tree == [
        (one.pk, "1.", "Ann", [
            (one_a.pk, None, "Bob", [
                (one_a_i.pk, None, "Cy", [(one_a_i_x.pk, None, "Di", [])]),
            ]),
            (one_b.pk, None, "Ed", []),
        ]),
        (two.pk, "2.", "Fay", []),
        (three.pk, "3.", "Unknown author", []),
    ]  # fmt: skip


def test_each_comment_has_author_date_permalink_and_reply_link(client, post):
    comment = make_comment(post, author_name="Ann", author_url="https://ann.example/")
    page = soup(client.get(post.get_absolute_url()))
    item = page.select_one(f"li#comment-{comment.pk}")
    assert item.select_one(".comment-author a")["href"] == "https://ann.example/"
    assert "ugc" in item.select_one(".comment-author a")["rel"]
    permalink = item.select_one("a.comment-permalink")
    assert permalink["href"] == f"#comment-{comment.pk}"
    assert permalink.time["datetime"].startswith(str(comment.created_at.year))
    reply = item.select_one("a.comment-reply-link")
    assert reply["href"] == f"?replyto={comment.pk}#respond"


def test_hidden_comments_are_not_shown_and_not_numbered(client, post):
    make_comment(post, author_name="Pending", status="pending")
    make_comment(post, author_name="Spammer", status="spam")
    shown = make_comment(post, author_name="Shown")
    response = client.get(post.get_absolute_url())
    assert comment_tree(response) == [(shown.pk, "1.", "Shown", [])]
    assert "Spammer" not in response.content.decode()
    assert soup(response).select_one("#comments-title").get_text() == "1 comment"


def test_a_removed_comment_with_replies_stays_as_a_placeholder(client, post):
    removed = make_comment(post, author_name="Gone", body="secret words")
    reply = make_comment(post, parent=removed, author_name="Still here")
    removed.status = "removed"
    removed.save()
    removed_leaf = make_comment(post, parent=reply, author_name="Leaf")
    removed_leaf.status = "spam"
    removed_leaf.save()

    response = client.get(post.get_absolute_url())
    html = response.content.decode()
    assert "secret words" not in html and "Gone" not in html and "Leaf" not in html
    page = soup(response)
    placeholder = page.select_one(f"li#comment-{removed.pk}")
    assert placeholder.select_one(".comment-removed").get_text() == "Comment removed."
    assert (
        placeholder.select_one(f"li#comment-{reply.pk} .comment-author").get_text() == "Still here"
    )


def test_pingbacks_are_listed_apart_after_the_comments(client, post):
    comment = make_comment(post, author_name="Ann")
    ping = make_comment(
        post, kind="pingback", author_name="Other blog", author_url="https://other.example/p"
    )
    page = soup(client.get(post.get_absolute_url()))
    assert [li["id"] for li in page.select("ol.comment-list > li")] == [f"comment-{comment.pk}"]
    pingbacks = page.select("section.pingbacks li.pingback")
    assert [li["id"] for li in pingbacks] == [f"comment-{ping.pk}"]
    assert pingbacks[0].a["href"] == "https://other.example/p"


def test_permalink_redirects_to_the_comment_on_its_post(client, post):
    comment = make_comment(post)
    response = client.get(comment.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert client.get("/comment/999999/").status_code == 404


def test_comment_text_is_escaped_paragraphs_with_nofollow_links(client, post):
    comment = make_comment(
        post, body="<script>alert(1)</script> see https://example.com/x\n\nSecond <b>para</b>"
    )
    page = soup(client.get(post.get_absolute_url()))
    body = page.select_one(f"li#comment-{comment.pk} .comment-body")
    assert body.find("script") is None
    paragraphs = body.find_all("p")
    assert [p.get_text() for p in paragraphs] == [
        "<script>alert(1)</script> see https://example.com/x",
        "Second <b>para</b>",
    ]
    link = body.find("a")
    assert link["href"] == "https://example.com/x"
    assert set(link["rel"]) >= {"nofollow", "ugc"}


def test_body_html_is_computed_once_at_write_time(post):
    comment = make_comment(post, body="Hello <world>")
    assert comment.body_html == '<p dir="auto">Hello &lt;world&gt;</p>'


@pytest.mark.parametrize("size", [5, 500])
def test_post_page_query_count_does_not_grow_with_the_thread(
    client, post, size, django_assert_max_num_queries, settings
):
    settings.COMMENTS_PER_PAGE = 0  # the whole thread on one page (paging: tests/perf/)
    make_thread(post, size)
    with django_assert_max_num_queries(4):
        response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    assert len(soup(response).select("li.comment")) == size


def test_index_shows_a_short_sanitised_excerpt_of_each_post(client):
    words = " ".join(f"word{n}" for n in range(100))
    make_post(title="Long", body=f"<p>{words}</p><script>alert(1)</script>")
    excerpt = soup(client.get("/")).select_one(".post-summary .post-excerpt")
    text = excerpt.get_text()
    assert text.startswith("word0 word1") and "word39" in text and "word40" not in text
    assert excerpt.find("script") is None


@pytest.mark.parametrize(
    "source",
    [
        "<title>A · B</title>{{ discussion_html }}<p>{{ after }}</p>",
        "{% if discussion_html %}{% block x %}{{ discussion_html }}{% endblock %}{% endif %}",
        "{{ discussion_html }}<hr>{{ discussion_html }}",  # printed twice
        "<p>{{ after }}</p>",  # not printed at all
    ],
)
def test_a_discussion_page_is_the_bytes_of_its_template(rf, source):
    """The post page's response renders around a stand-in and encodes the discussion apart:
    whatever the template does with it, the bytes are those of the plain rendering."""
    template = engines["django"].from_string(source)
    context = {"discussion_html": mark_safe("<ol><li>Zoë &amp; José</li></ol>"), "after": "é"}
    response = DiscussionPageResponse(rf.get("/"), template, context).render()
    assert response.content == template.render(context).encode()


def test_the_post_page_shows_its_discussion_once_in_utf_8(client):
    post = make_post(title="Café · crème")
    comment = make_comment(post, author_name="Zoë")
    response = client.get(post.get_absolute_url())
    html = response.content.decode("utf-8")
    assert html.count(f'id="comment-{comment.pk}"') == 1
    assert "<!--discussion-" not in html
    assert html.rstrip().endswith("</html>")
    assert soup(response).select_one(f"#comment-{comment.pk} .comment-author").text == "Zoë"
