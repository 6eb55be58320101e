"""Thread locks: only inside a transaction, and never waited for without a bound."""

import threading

import pytest
from django.db import connection, connections, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from comments.locks import (
    LOCK_NAMESPACE,
    lock_new_threads,
    lock_thread,
    lock_thread_of,
    lock_threads,
)
from comments.models import Comment
from tests.factories import make_comment
from tests.html import soup
from tests.posting import TYPED, comment_url, form_data

pytestmark = pytest.mark.postgres


def hold_lock(session, key):
    """Take the thread lock ``key`` in ``session``'s open transaction and keep it."""
    with session.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, key])


def post_in_background(client, url, data):
    """POST ``data`` from a thread of its own (started); ``result["response"]`` once done."""
    result = {}

    def send():
        try:
            result["response"] = client.post(url, data)
        finally:
            connections.close_all()  # this thread's own database connection

    request = threading.Thread(target=send)
    request.start()
    return request, result


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "take",
    [
        lambda: lock_thread(7),
        lock_new_threads,
        lambda: lock_threads([3, 1]),
        lambda: lock_thread_of(1),
    ],
)
def test_a_lock_outside_a_transaction_is_refused(take):
    # Outside atomic() each statement commits on its own: the lock would end at once.
    with pytest.raises(TransactionManagementError):
        take()
    with transaction.atomic():
        take()  # the same call inside a transaction takes it


@pytest.mark.django_db(transaction=True)
def test_a_stuck_thread_lock_gives_the_try_again_page_with_the_text_kept(
    client, post, settings, other_session
):
    settings.COMMENTS_LOCK_TIMEOUT = 200  # milliseconds
    parent = make_comment(post, author_name="Bea")
    hold_lock(other_session, parent.tree_id)  # a writer that never finishes
    data = form_data(client, post, parent=str(parent.pk), body="Words worth keeping.")

    request, result = post_in_background(client, comment_url(post), data)
    request.join(timeout=30)  # without the bound the request would wait for ever
    assert not request.is_alive(), "the reply waited for the stuck lock without a bound"
    response = result["response"]

    assert response.status_code == 503
    page = soup(response)
    assert "could not be saved" in page.select_one(".form-errors").get_text()
    assert page.select_one("#id_body").get_text().strip() == "Words worth keeping."
    assert Comment.objects.count() == 1  # only the parent

    other_session.rollback()  # the stuck writer goes away: the same form now posts
    retry = client.post(comment_url(post), form_data(client, post, parent=str(parent.pk)))
    assert retry.status_code == 302
    assert Comment.objects.filter(parent=parent, body=TYPED["body"]).count() == 1


def advisory_locks_held():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_thread_locks_end_with_their_transaction_as_transaction_pooling_requires(client, post):
    # A pooler in transaction mode (PgBouncer) hands the server connection to another client as
    # soon as a transaction ends: a lock that outlived it would be held for a stranger.
    parent = make_comment(post, author_name="Bea")
    with transaction.atomic():
        lock_threads([parent.tree_id])
        lock_new_threads()
        assert advisory_locks_held() == 2
    assert advisory_locks_held() == 0

    # The same through a real reply and a new thread, on this process's own connection.
    reply = form_data(client, post, parent=str(parent.pk))
    assert client.post(comment_url(post), reply).status_code == 302
    new_thread = form_data(client, post, body="A new thread.")
    assert client.post(comment_url(post), new_thread).status_code == 302
    assert Comment.objects.count() == 3
    assert advisory_locks_held() == 0


def thread_locks_held():
    """The thread keys this connection holds advisory locks on."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
            "AND classid = %s",
            [LOCK_NAMESPACE],
        )
        return sorted(row[0] for row in cursor.fetchall())


@pytest.mark.django_db(transaction=True)
def test_a_comment_s_thread_is_found_and_locked_in_one_statement(post):
    first = make_comment(post, author_name="Bea")
    second = make_comment(post, author_name="Cy")
    reply = make_comment(post, parent=second, author_name="Di")
    assert first.tree_id != second.tree_id
    with transaction.atomic():
        with CaptureQueriesContext(connection) as statements:
            assert lock_thread_of(reply.pk, post_id=post.pk)
        assert len(statements) == 1
        assert thread_locks_held() == [second.tree_id]  # the reply's thread, no other
    with transaction.atomic():
        # No such comment (or not on that post): nothing locked, and the caller is told.
        assert not lock_thread_of(reply.pk + 1000)
        assert not lock_thread_of(reply.pk, post_id=post.pk + 1)
        assert thread_locks_held() == []


@pytest.mark.django_db(transaction=True)
def test_a_reply_waits_for_the_writer_holding_its_thread_and_then_sees_its_write(
    client, post, other_session
):
    # The parent's tree_id is read before the lock is granted, the parent itself after: a
    # moderator who removes the parent while holding the thread wins, and the reply is refused.
    parent = make_comment(post, author_name="Bea")
    hold_lock(other_session, parent.tree_id)
    data = form_data(client, post, parent=str(parent.pk), body="Waited for my turn.")
    request, result = post_in_background(client, comment_url(post), data)
    request.join(timeout=0.5)
    assert request.is_alive(), "the reply did not wait for the thread's lock"
    with other_session.cursor() as cursor:
        cursor.execute("UPDATE comments_comment SET status = 'removed' WHERE id = %s", [parent.pk])
    other_session.commit()
    request.join(timeout=30)
    response = result["response"]
    assert response.status_code == 200
    assert "can no longer be replied to" in soup(response).select_one(".form-errors").get_text()
    assert not Comment.objects.filter(body="Waited for my turn.").exists()
