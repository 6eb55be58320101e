"""Comment counts on the post list and the post admin: exact, and counted for the page's posts
only (at a million comments, counting every post's comments before taking ten took a second)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from tests.factories import make_comment, make_post
from tests.html import soup

pytestmark = pytest.mark.django_db

APPROVED, PENDING, SPAM, REMOVED = "approved", "pending", "spam", "removed"


def post_with(statuses, pingbacks=0):
    post = make_post()
    for status in statuses:
        make_comment(post, status=status)
    for _ in range(pingbacks):
        make_comment(post, kind=Comment.Kind.PINGBACK)
    return post


def test_the_post_list_shows_exact_counts_of_visible_comments(client):
    busy = post_with([APPROVED] * 3 + [PENDING, SPAM, REMOVED], pingbacks=2)
    quiet = post_with([PENDING])
    page = soup(client.get("/"))
    shown = {
        a["href"].split("#")[0]: a.get_text(strip=True) for a in page.select("a[href$='#comments']")
    }
    assert shown[busy.get_absolute_url()] == "3 comments"
    assert shown[quiet.get_absolute_url()] == "0 comments"


def test_the_post_list_counts_comments_of_its_own_page_only(client, settings):
    for _ in range(settings.BLOG_POSTS_PER_PAGE + 2):
        post_with([APPROVED])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/?page=2")
    assert response.status_code == 200
    counting = [q["sql"] for q in queries if "comments_comment" in q["sql"]]
    # One query, naming the page's two posts: neither the paginator's count of posts nor the
    # posts the page skips touch the comments.
    assert len(counting) == 1
    shown = [post.pk for post in response.context["posts"]]
    assert len(shown) == 2 and "OFFSET" not in counting[0]
    assert f'"post_id" IN ({", ".join(map(str, shown))})' in counting[0]


def test_the_post_admin_shows_visible_and_pending_counts(admin_client):
    post = post_with([APPROVED, APPROVED, PENDING, PENDING, PENDING, SPAM])
    page = soup(admin_client.get("/admin/blogapp/post/"))
    row = page.select_one("#result_list tbody tr")
    assert row.select_one(".field-visible_comments").get_text() == "2"
    assert row.select_one(".field-pending_comments").get_text() == "3"
    assert post.title in row.get_text()
