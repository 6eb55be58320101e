"""The queue's "likely spam first" reads the spam-score index in order: it never sorts the
whole comment table, however big it grows."""

import pytest
from django.db import connection

from comments.models import Comment
from tests.factories import make_post, make_thread

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_likely_spam_first_is_an_ordered_index_scan():
    from comments.admin import SPAM_FIRST_ORDER

    post = make_post()
    made = make_thread(post, 300)
    Comment.objects.filter(pk__in=[c.pk for c in made[::3]]).update(spam_score=0.7)
    with connection.cursor() as cursor:
        # A test table is small enough to read whole; as on a big table, leave the planner
        # only ways that avoid sorting when one exists.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    page = Comment.objects.filter(spam_score__isnull=False).order_by(*SPAM_FIRST_ORDER)[:100]
    plan = page.explain()
    assert "comment_spam_score_idx" in plan, plan
    assert "Sort" not in plan, plan
