"""What the stored comments say about a new one from the form, asked in one query.

Before a comment from the public form is screened and written, three questions go to the
comments already stored:

- is the email a known commenter, with an approved comment under it (compared
  case-insensitively)? The first-time moderation policy (``moderation.initial_status``) holds
  the others;
- did this very form create a comment already (``submission``: a double click, a re-sent
  form)? Its one-time key is stored with the comment, and unique;
- did the same author (name, or email) post the same text on this post within
  ``COMMENTS_DUPLICATE_WINDOW``, unless that comment was removed (``antispam``)? Which
  comment, so that its writer can be led to it?

Asked one by one they were three round trips, a quarter of a reply's statements; here they
are three subqueries of one statement. It is written as SQL: built by the ORM, with its
``Exists`` and ``Subquery``, the statement cost ~5 ms of Python on every reply (a quarter of
the POST's CPU; bench/README.md, "Replies without the ORM's query building"), the SQL
~0.5 ms. Each subquery is served by an index of its own (``Comment.Meta``): the
approved-email index, the unique submission key, the post's text digests.
``moderation.is_known_commenter`` and ``submission.comment_for_key`` ask the first two
questions alone, through the ORM, for their other callers; a test holds the answers of both
ways equal (tests/test_prior.py).

Each answer is what the table held when the statement ran, as it was when each was its own
query: twins that race past them together are still stopped by the unique submission key
and, in a thread, by its lock (``services._refuse_repeats`` says how).
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import Comment


@dataclass(frozen=True)
class PriorComments:
    known_commenter: bool | None  # None when not asked
    earlier_id: int | None  # the comment this form created already, if any
    duplicate_id: int | None  # the same text by the same author on the post lately, if any

    @property
    def duplicate(self):
        return self.duplicate_id is not None


@cache
def _statement():
    """The three questions; each one not asked is a constant false (or empty key) that the
    planner folds away. Built once: the table's name is known when the apps are loaded."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    # Only the table's name is put into the text; every value is a parameter.
    return f"""
        SELECT
            %(ask_known)s AND EXISTS (
                SELECT 1 FROM {table}
                WHERE status = %(approved)s AND UPPER(author_email) = UPPER(%(email)s)
            ),
            (SELECT id FROM {table} WHERE %(key)s <> '' AND submission_key = %(key)s),
            CASE WHEN %(ask_duplicate)s THEN (
                SELECT id FROM {table}
                WHERE post_id = %(post)s AND MD5(body) = %(digest)s AND body = %(body)s
                    AND created_at >= %(since)s AND status <> %(removed)s
                    AND (author_name = %(name)s
                         OR (%(email)s <> '' AND UPPER(author_email) = UPPER(%(email)s)))
                ORDER BY id DESC LIMIT 1
            ) END
    """  # noqa: S608 - a table name only


def body_digest(body):
    """MD5 of the text as the database's md5() computes it (UTF-8): only a look-up key, the
    one ``comment_body_digest_idx`` holds (a text may be too long for a btree)."""
    return hashlib.md5(body.encode(), usedforsecurity=False).hexdigest()


def prior_comments(*, post, author_name, author_email, body, submission_key="",
                   ask_known=False, ask_duplicate=False):  # fmt: skip
    """The answers for a new comment on ``post``: whether ``author_email`` is a known
    commenter (``ask_known``), the comment ``submission_key`` made already, and whether the
    text is a duplicate (``ask_duplicate``). One query at most, none when nothing is asked."""
    asks_known = bool(ask_known and author_email)  # no email: not known, nothing to ask
    if not (asks_known or submission_key or ask_duplicate):
        return PriorComments(
            known_commenter=False if ask_known else None, earlier_id=None, duplicate_id=None
        )
    since = timezone.now() - timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW)
    with connection.cursor() as cursor:
        cursor.execute(
            _statement(),
            {
                "ask_known": asks_known,
                "approved": Comment.Status.APPROVED.value,
                "email": author_email,
                "key": submission_key,
                "ask_duplicate": bool(ask_duplicate),
                "post": post.pk,
                "digest": body_digest(body),
                "body": body,
                "since": connection.ops.adapt_datetimefield_value(since),
                "removed": Comment.Status.REMOVED.value,
                "name": author_name,
            },
        )
        known, earlier_id, duplicate_id = cursor.fetchone()
    return PriorComments(
        known_commenter=bool(known) if ask_known else None,
        earlier_id=earlier_id,
        duplicate_id=duplicate_id,
    )
