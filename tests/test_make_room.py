"""Threads numbered without room for replies (stored before comments had room, or renumbered by
django-mptt's rebuild) get their room back from ``comments_make_room``, order unchanged."""

from io import StringIO

import pytest
from django.core.checks import run_checks
from django.core.management import call_command

from comments.locks import LOCK_NAMESPACE
from comments.models import Comment
from comments.tree import PAIR, make_room, packed_threads
from tests.factories import make_comment
from tests.tree_check import room_left, stored_tree_fields, tree_order, tree_problems

pytestmark = pytest.mark.django_db


def packed_thread(post, size=40):
    """One thread of ``size`` comments as django-mptt numbers it: each number follows the last."""
    comments = [make_comment(post)]
    for i in range(1, size):
        comments.append(make_comment(post, parent=comments[(i * 7) % i], body=f"Reply {i}."))
    Comment._tree_manager.partial_rebuild(comments[0].tree_id)
    return comments


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("comments_make_room", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_packed_thread_gets_room_in_the_same_order(post):
    comments = packed_thread(post)
    other = make_comment(post)  # written with room already
    leaf = Comment.objects.filter(post=post, tree_id=comments[0].tree_id).order_by("-lft")[0]
    assert room_left(leaf) == 0
    assert list(packed_threads()) == [comments[0].tree_id]
    order = tree_order(post=post)
    untouched = stored_tree_fields(pk=other.pk)

    out, err = run()

    assert out == "1 thread renumbered with room for replies (40 comments moved).\n"
    assert err == ""
    assert tree_order(post=post) == order
    assert tree_problems(post=post) == []
    assert stored_tree_fields(pk=other.pk) == untouched
    assert list(packed_threads()) == []
    assert room_left(leaf) >= PAIR
    before = stored_tree_fields(post=post)
    reply = make_comment(post, parent=leaf)
    assert stored_tree_fields(post=post) == {
        **before,
        reply.pk: stored_tree_fields(pk=reply.pk)[reply.pk],
    }
    assert run() == ("0 threads renumbered with room for replies (0 comments moved).\n", "")


def test_dry_run_counts_and_changes_nothing(post):
    packed_thread(post)
    packed_thread(post)
    before = stored_tree_fields(post=post)

    assert run("--dry-run") == ("2 threads would get room for replies.\n", "")
    assert stored_tree_fields(post=post) == before


def test_held_comments_get_no_room(post):
    comments = packed_thread(post, size=10)
    Comment.objects.filter(pk__in=[c.pk for c in comments[1:]]).update(status="pending")

    make_room(tree_id=comments[0].tree_id)

    held = Comment.objects.filter(post=post, status="pending", children__isnull=True)
    assert held and all(c.rght == c.lft + 1 for c in held)
    assert tree_problems(post=post) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_busy_thread_is_skipped_and_named(post, settings, other_session):
    settings.COMMENTS_LOCK_TIMEOUT = 100  # milliseconds
    comments = packed_thread(post, size=5)
    tree_id = comments[0].tree_id
    before = stored_tree_fields(post=post)
    with other_session.cursor() as cursor:  # another process writing to the thread
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, tree_id])

    out, err = run("--thread", str(tree_id))

    assert out == "0 threads renumbered with room for replies (0 comments moved).\n"
    assert err == f"1 thread was busy and kept as it was; run the command again: {tree_id}\n"
    assert stored_tree_fields(post=post) == before
    other_session.rollback()
    assert run("--thread", str(tree_id))[0].startswith("1 thread renumbered")
    assert tree_problems(post=post) == []


def test_a_thread_that_is_not_one_tree_is_named_and_kept(post):
    comments = packed_thread(post, size=3)
    tree_id = comments[0].tree_id
    # Two roots in one thread: rows written around the services, as a broken import might.
    Comment.objects.filter(pk=comments[2].pk).update(parent=None, level=0)
    before = stored_tree_fields(post=post)

    out, err = run("--thread", str(tree_id))

    assert err == f"thread {tree_id}: its comments do not form one tree; kept as it was\n"
    assert out.startswith("0 threads renumbered")
    assert stored_tree_fields(post=post) == before


def test_migrate_and_check_database_warn_about_packed_threads(post):
    packed_thread(post, size=3)
    packed_thread(post, size=2)

    warnings = [w for w in run_checks(databases=["default"]) if w.id == "comments.W001"]
    assert [w.msg for w in warnings] == [
        "2 of the 1,000 oldest comment threads are numbered without room for replies: nearly "
        "every reply into one of them rewrites the rest of its thread."
    ]
    assert "comments_make_room" in warnings[0].hint
    assert not [w for w in run_checks() if w.id == "comments.W001"]  # no database, no query

    run()
    assert not [w for w in run_checks(databases=["default"]) if w.id == "comments.W001"]
