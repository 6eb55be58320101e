"""Many processes learning at once lose no count (PostgreSQL, real connections)."""

import threading
from collections import Counter

import pytest
from django.db import connection

from comments.models import Comment
from comments.services import comments_moderate
from comments.spamfilter import store
from comments.spamfilter.models import TOTALS_KEY, SpamEvidence, SpamFeatureCount
from tests.factories import make_comment, make_post

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS = 8
EACH = 15


def test_concurrent_decisions_add_up_exactly():
    post = make_post()
    # Every comment shares most of its words with the others: the writers all update the
    # same count rows at once.
    batches = [
        [
            make_comment(post, body=f"free gift cards on my channel {w} {i} subscribe now",
                         status=Comment.Status.PENDING)
            for i in range(EACH)
        ]
        for w in range(WRITERS)
    ]  # fmt: skip
    start = threading.Barrier(WRITERS)
    failures = []

    def decide(batch, number):
        try:
            start.wait()
            status = Comment.Status.SPAM if number % 2 else Comment.Status.APPROVED
            for comment in batch:  # one decision (and one transaction) per comment
                comments_moderate(comments=[comment.pk], status=status, moderator=None)
        except Exception as error:  # reported below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(b, n)) for n, b in enumerate(batches)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []

    expected = Counter()
    for item in SpamEvidence.objects.select_related("comment"):
        column = "spam" if item.comment.status == Comment.Status.SPAM else "ham"
        assert item.learned == column
        for key in (TOTALS_KEY, *item.features):
            expected[key, column] += 1
    stored = Counter()
    for key, spam, ham in SpamFeatureCount.objects.values_list("key", "spam", "ham"):
        stored[key, "spam"] += spam
        stored[key, "ham"] += ham
    assert +stored == +expected
    assert store.totals() == (WRITERS // 2 * EACH, WRITERS // 2 * EACH)
