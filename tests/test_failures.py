"""Errors on the way in: bad addresses and ids, and a database that refuses the write."""

import pytest
from django.db import connection
from django.test import Client

from blogapp.models import Post
from comments.models import Comment
from tests.factories import make_comment, make_post
from tests.html import soup
from tests.posting import TYPED, comment_url, form_data, thread_form_data
from tests.tree_check import stored_tree_fields, tree_problems

HUGE_ID = "99999999999999999999999"


def form_errors(response):
    block = soup(response).select_one(".form-errors")
    return block.get_text(" ", strip=True) if block else ""


# --- bad addresses and ids --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/posts/no-such-post/",
        "/comment/abc/",
        "/comment/-1/",
        "/comment/0/",
        f"/comment/{HUGE_ID}/",
        "/comment/1.5/",
        "/comment/%00/",
        "/posts/%2e%2e/",
        "/posts/<script>/",
    ],
)
def test_unknown_addresses_are_404(client, post, path):
    assert client.get(path).status_code == 404
    assert client.post(path, TYPED).status_code in (404, 405)


@pytest.mark.django_db
def test_commenting_on_an_unknown_post_is_404(client, post):
    data = form_data(client, post)
    assert client.post("/posts/no-such-post/comment/", data).status_code == 404
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_a_comment_on_a_draft_or_scheduled_post_has_no_permalink(client):
    from datetime import timedelta

    from django.utils import timezone

    draft = make_post(status=Post.Status.DRAFT)
    later = make_post(published_at=timezone.now() + timedelta(days=1))
    for hidden in (draft, later):
        comment = Comment.objects.create(post=hidden, author_name="x", body="y")
        assert client.get(f"/comment/{comment.pk}/").status_code == 404
        assert client.get(hidden.get_absolute_url()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("replyto", ["abc", HUGE_ID, "1e5", "", "%00", "0x10"])
def test_bad_replyto_values_show_the_page(client, post, replyto):
    assert client.get(f"{post.get_absolute_url()}?replyto={replyto}").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("parent", ["abc", "-5", "0", HUGE_ID, "1.5", "1;DROP TABLE x"])
def test_a_bad_parent_is_a_form_error(client, post, parent):
    response = client.post(comment_url(post), form_data(client, post, parent=parent))
    assert response.status_code == 200
    assert "can no longer be replied to" in form_errors(response)
    assert soup(response).select_one("#id_body").get_text().strip() == TYPED["body"]
    assert Comment.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["removed", "spam"])
def test_replying_to_a_comment_removed_while_typing_is_a_form_error(client, post, status):
    parent = make_comment(post)
    data = form_data(client, post, parent=parent.pk, body="My answer")
    Comment.objects.filter(pk=parent.pk).update(status=status)
    response = client.post(comment_url(post), data)
    assert response.status_code == 200
    assert "can no longer be replied to" in form_errors(response)
    assert soup(response).select_one("#id_body").get_text().strip() == "My answer"
    assert Comment.objects.count() == 1


@pytest.mark.django_db
def test_replying_to_a_comment_deleted_while_typing_is_a_form_error(client, post):
    parent = make_comment(post)
    data = form_data(client, post, parent=parent.pk)
    parent.delete()
    response = client.post(comment_url(post), data)
    assert "can no longer be replied to" in form_errors(response)


@pytest.mark.django_db
def test_a_comment_id_from_another_post_is_a_form_error(client, post):
    foreign = make_comment(make_post())
    response = client.post(comment_url(post), form_data(client, post, parent=foreign.pk))
    assert "can no longer be replied to" in form_errors(response)
    assert Comment.objects.filter(post=post).count() == 0


@pytest.mark.django_db
def test_multiple_values_and_odd_encodings_are_handled(client, post):
    data = form_data(client, post)
    body = "&".join(
        f"{key}={value}" for key, value in {**data, "body": "%FF%FE%00bad"}.items()
    )  # invalid UTF-8 and a NUL
    response = client.post(
        comment_url(post),
        body + "&parent=1&parent=2",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 400)
    assert Comment.objects.count() == 0


# --- the database refusing a write ------------------------------------------------------

FAILING_TRIGGERS = {
    # Raised at the INSERT, after django-mptt has already shifted lft/rght in the thread.
    "at-insert": "CREATE TRIGGER test_refuse_comment BEFORE INSERT ON comments_comment "
    "FOR EACH ROW EXECUTE FUNCTION test_refuse_comment()",
    # Raised at COMMIT, when the whole reply has been written.
    "at-commit": "CREATE CONSTRAINT TRIGGER test_refuse_comment AFTER INSERT ON comments_comment "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_refuse_comment()",
}


@pytest.fixture(params=sorted(FAILING_TRIGGERS))
def refusing_database(request, transactional_db):
    """A real PostgreSQL trigger that fails any insert of a comment whose text says FAIL."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL triggers")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION test_refuse_comment() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN IF NEW.body LIKE 'FAIL%' THEN RAISE EXCEPTION 'refused by the test trigger'; "
            "END IF; RETURN NEW; END $$"
        )
        cursor.execute(FAILING_TRIGGERS[request.param])
    yield request.param
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS test_refuse_comment ON comments_comment")
        cursor.execute("DROP FUNCTION IF EXISTS test_refuse_comment()")


@pytest.mark.postgres
def test_a_database_error_during_a_reply_stores_nothing_and_keeps_the_text(refusing_database):
    post = make_post()
    root = make_comment(post, body="root")
    first = make_comment(post, parent=root, body="first")
    make_comment(post, parent=first, body="deep")
    make_comment(post, body="another thread")
    before = stored_tree_fields()

    client = Client()
    data = form_data(client, post, parent=first.pk, body="FAIL: my long reply")
    response = client.post(comment_url(post), data)

    assert response.status_code == 503
    assert "could not be saved" in form_errors(response)
    page = soup(response)
    assert page.select_one("#id_body").get_text().strip() == "FAIL: my long reply"
    assert page.select_one("input[name=parent]")["value"] == str(first.pk)
    # Nothing partial: no new row, and no lft/rght shifted in the thread.
    assert Comment.objects.count() == 4
    assert stored_tree_fields() == before
    assert tree_problems() == []

    # The same form, once the problem is gone, goes through (its key was not used up).
    resent = client.post(comment_url(post), {**data, "body": "my long reply"})
    assert resent.status_code == 302
    reply = Comment.objects.get(body="my long reply")
    assert reply.parent_id == first.pk
    assert tree_problems() == []


@pytest.mark.postgres
def test_a_database_error_during_a_reply_from_a_thread_page_shows_that_page(refusing_database):
    post = make_post()
    root = make_comment(post, author_name="Root")
    first = make_comment(post, parent=root, author_name="First")
    make_comment(post, parent=first, body="deep")

    client = Client()
    data = thread_form_data(client, first, body="FAIL: typed on the thread page")
    response = client.post(comment_url(post), data)

    assert response.status_code == 503
    # The "try again" page is the form alone (no database query); sent again, the form still
    # comes back to the thread page it was typed on.
    assert "comments/save_failed.html" in {template.name for template in response.templates}
    assert "could not be saved" in form_errors(response)
    page = soup(response)
    assert page.select_one("#id_body").get_text().strip() == "FAIL: typed on the thread page"
    assert page.select_one("input[name=parent]")["value"] == str(first.pk)
    assert page.select_one("input[name=thread]")["value"] == str(first.pk)
    assert Comment.objects.count() == 3
