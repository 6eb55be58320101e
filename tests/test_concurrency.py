"""Many writers at once on PostgreSQL: the comment tree stays exact and valid."""

import random
import threading

import pytest
from django.db import connection

from comments.models import Comment
from comments.services import comment_create
from tests.factories import make_comment, make_post
from tests.tree_check import tree_order, tree_problems

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

REPLY_WRITERS = 16
REPLIES_EACH = 25
THREAD_WRITERS = 4
THREADS_EACH = 10


def test_concurrent_replies_and_new_threads_keep_every_comment_and_a_valid_tree():
    post = make_post()
    root = make_comment(post, body="root")
    bystander = make_comment(post, body="another thread")
    bystander_reply = make_comment(post, parent=bystander, body="bystander reply")

    start = threading.Barrier(REPLY_WRITERS + THREAD_WRITERS)
    pool_lock = threading.Lock()
    reply_pool = [root.pk]  # every comment in the hammered thread so far
    created, failures = [], []

    def run(work):
        try:
            start.wait()
            work()
        except Exception as error:  # reported below, with the others
            failures.append(error)
        finally:
            connection.close()

    def write_replies(writer):
        rng = random.Random(writer)
        for n in range(REPLIES_EACH):
            with pool_lock:
                parent_id = rng.choice(reply_pool)
            comment = comment_create(
                post=post,
                parent_id=parent_id,
                author_name=f"writer {writer}",
                body=f"reply {writer}-{n}",
                status=Comment.Status.APPROVED,
            )
            with pool_lock:
                reply_pool.append(comment.pk)
                created.append(comment.pk)

    def write_threads(writer):
        for n in range(THREADS_EACH):
            comment = comment_create(
                post=post,
                author_name=f"starter {writer}",
                body=f"thread {writer}-{n}",
                status=Comment.Status.APPROVED,
            )
            with pool_lock:
                created.append(comment.pk)

    workers = [
        threading.Thread(target=run, args=(lambda w=w: write_replies(w),))
        for w in range(REPLY_WRITERS)
    ] + [
        threading.Thread(target=run, args=(lambda w=w: write_threads(w),))
        for w in range(THREAD_WRITERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert not any(worker.is_alive() for worker in workers)
    assert failures == []

    replies = REPLY_WRITERS * REPLIES_EACH
    threads = THREAD_WRITERS * THREADS_EACH
    # Exact: nothing lost, nothing doubled.
    assert len(created) == len(set(created)) == replies + threads
    assert Comment.objects.count() == 3 + replies + threads
    root.refresh_from_db()
    assert root.get_descendant_count() == replies
    assert Comment.objects.filter(parent=None).count() == 2 + threads
    assert len(set(Comment.objects.filter(parent=None).values_list("tree_id", flat=True))) == (
        2 + threads
    )
    expected_bodies = {f"reply {w}-{n}" for w in range(REPLY_WRITERS) for n in range(REPLIES_EACH)}
    assert set(root.get_descendants().values_list("body", flat=True)) == expected_bodies

    # The numbers agree with the parent links...
    assert tree_problems() == []
    # ...and django-mptt's own rebuild of each thread (objects is no TreeManager), which
    # numbers without room for replies, keeps every comment's place and level.
    order = tree_order()
    for tree_id in order:
        Comment._tree_manager.partial_rebuild(tree_id)
    assert tree_order() == order
    assert tree_problems() == []
    # The other thread was never touched by the writers.
    bystander_reply.refresh_from_db()
    assert (bystander_reply.lft, bystander_reply.rght, bystander_reply.level) == (2, 3, 1)


def test_form_posts_resent_forms_and_moderation_at_once_keep_the_tree_exact():
    """Through the real form (repeat checks before the lock, the tree's lock around the
    insert): writers replying into one thread, every third form sent twice at once, while a
    moderator hides and restores comments of the same thread."""
    from django.test import Client

    from comments.services import comments_moderate, comments_restore
    from tests.posting import comment_url, form_data

    post = make_post()
    root = make_comment(post, body="root")
    writers, replies_each = 6, 8
    start = threading.Barrier(writers + 1)
    pool_lock = threading.Lock()
    pool, acknowledged, failures = [root.pk], [], []

    def writer(index):
        rng = random.Random(index)
        client = Client()
        try:
            start.wait()
            for n in range(replies_each):
                with pool_lock:
                    parent = rng.choice(pool)
                data = form_data(client, post, parent=parent, body=f"form {index}-{n}",
                                 name=f"Writer {index}")  # fmt: skip
                sends = 2 if n % 3 == 0 else 1
                answers = []

                def send(answers=answers, data=data):
                    try:
                        answers.append(Client().post(comment_url(post), data))
                    finally:
                        connection.close()

                twins = [threading.Thread(target=send) for _ in range(sends)]
                for twin in twins:
                    twin.start()
                for twin in twins:
                    twin.join()
                locations = {answer.get("Location") for answer in answers}
                if {answer.status_code for answer in answers} != {302} or len(locations) != 1:
                    failures.append((index, n, [a.status_code for a in answers]))
                    continue
                comment_id = int(locations.pop().strip("/").split("/")[-1])
                with pool_lock:
                    acknowledged.append(comment_id)
                    pool.append(comment_id)
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    def moderator():
        try:
            start.wait()
            for _ in range(10):
                with pool_lock:
                    chosen = list(pool[1:4])
                if chosen:
                    comments_moderate(comments=chosen, status="removed", moderator=None)
                    comments_restore(comments=chosen, moderator=None)
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(writers)]
    threads.append(threading.Thread(target=moderator))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    assert failures == []
    stored = list(Comment.objects.filter(post=post).exclude(pk=root.pk).values_list("pk", "body"))
    assert sorted(pk for pk, _ in stored) == sorted(acknowledged)  # each once, none lost
    assert len({body for _, body in stored}) == writers * replies_each  # no duplicate
    assert tree_problems(post=post) == []
