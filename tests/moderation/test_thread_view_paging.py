"""The admin thread view of a huge thread: a page at a time, bounded in rows, bytes, queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_post
from tests.html import soup

from .conftest import admin_messages, run_action
from .test_thread_view import shown_rows, thread_url

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

DEPTH = 5000
PER_PAGE = 100


def deep_chain(post, depth):
    """One thread ``depth`` levels deep (each comment replies to the one before), with long
    bodies, as the admin has to show it; tree fields written directly, for speed."""
    tree_id = (Comment.objects.order_by("-tree_id").values_list("tree_id", flat=True).first()
               or 0) + 1  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Comment._meta.db_table, depth],
        )
        ids = [row[0] for row in cursor.fetchall()]
    body = "A long comment that goes on and on. " * 20
    comments = [
        Comment(
            id=ids[level],
            parent_id=ids[level - 1] if level else None,
            post=post,
            author_name=f"Writer {level}",
            author_email=f"w{level}@example.org",
            body=body,
            body_html=f"<p>{body}</p>",
            status="approved",
            tree_id=tree_id,
            lft=level + 1,
            rght=2 * depth - level,
            level=level,
        )  # fmt: skip
        for level in range(depth)
    ]
    return Comment.objects.bulk_create(comments, batch_size=1000)


@pytest.fixture
def chain(settings):
    settings.COMMENTS_ADMIN_THREAD_PER_PAGE = PER_PAGE
    return deep_chain(make_post(), DEPTH)


def test_a_5000_deep_thread_is_shown_a_page_at_a_time(moderator_client, chain):
    with CaptureQueriesContext(connection) as queries:
        response = moderator_client.get(thread_url(chain[0]))
    assert response.status_code == 200
    rows = shown_rows(response)
    assert [row[0] for row in rows] == [c.pk for c in chain[:PER_PAGE]]
    assert len(response.content) < 300_000
    # Session, user, permissions (2), the moderator's alert settings (the admin's menu), and
    # the view's own three: the comment, the thread's size and its position, the page's rows.
    assert len(queries) <= 8, "\n".join(q["sql"][:150] for q in queries.captured_queries)
    page = soup(response)
    assert "Comments 1–100 of 5,000, in thread order." in page.select_one(".thread-pager").text
    assert "Page 1 of 50" in page.select_one(".thread-pager").text
    # Indentation stops growing: 5,000 levels would push the text off any screen.
    deepest = page.select_one(f"#thread-comment-{chain[PER_PAGE - 1].pk}")
    assert "thread-depth-deep" in deepest["class"]
    assert deepest.select_one(".thread-level").get_text(strip=True) == "Level 99"


def test_the_view_opens_on_the_page_of_its_comment(moderator_client, chain):
    focus = chain[4321]
    response = moderator_client.get(thread_url(focus))
    rows = [row[0] for row in shown_rows(response)]
    assert rows == [c.pk for c in chain[4300:4400]]
    page = soup(response)
    assert "focus" in page.select_one(f"#thread-comment-{focus.pk}")["class"]
    # The first row's parent is on the page before: linked, so the context is one click away.
    first = page.select_one(f"#thread-comment-{chain[4300].pk}")
    assert first.find("a", string=f"reply to #{chain[4299].pk}")["href"] == thread_url(chain[4299])


def test_pages_follow_tree_order_and_bad_page_numbers_are_harmless(moderator_client, chain):
    url = thread_url(chain[0])
    last = moderator_client.get(url, {"page": 50})
    assert [row[0] for row in shown_rows(last)] == [c.pk for c in chain[4900:]]
    for bad in ("0", "51", "x", "-1", "9" * 30):
        response = moderator_client.get(url, {"page": bad})
        assert response.status_code == 200
        assert len(shown_rows(response)) == PER_PAGE
    nav = soup(last).select_one(".thread-pager")
    assert nav.find("a", rel="prev")["href"] == "?page=49"
    assert nav.find("a", string="First")["href"] == "?page=1"


def test_moderating_on_a_later_page_changes_the_selection_and_comes_back(moderator_client, chain):
    url = f"{thread_url(chain[0])}?page=30"
    picked = [chain[2950], chain[2951]]
    response = run_action(moderator_client, "mark_as_spam", picked, url=url)
    assert response.redirect_chain[-1][0] == url
    assert admin_messages(response) == ["2 comments marked as spam."]
    statuses = dict(
        Comment.objects.filter(pk__in=[c.pk for c in chain[2949:2953]]).values_list("pk", "status")
    )
    assert [statuses[c.pk] for c in chain[2949:2953]] == ["approved", "spam", "spam", "approved"]
    shown = {row[0]: row[2] for row in shown_rows(response)}
    assert shown[chain[2950].pk] == "Spam"


def test_a_small_thread_has_no_pager(moderator_client, chain):
    small = deep_chain(make_post(), 3)
    response = moderator_client.get(reverse("admin:comments_comment_thread", args=[small[2].pk]))
    assert len(shown_rows(response)) == 3
    assert not soup(response).select(".thread-pager")
