"""What the stored comments say about a new one from the form, asked in one query.

Before a comment from the public form is screened and written, three questions go to the
comments already stored, each owned by its own module: does the email have an approved comment
(``moderation``, for the first-time policy), did this very form create a comment already
(``submission``: a double click, a re-sent form), and did the same author post the same text
here lately (``antispam``)? Asked one by one they were three round trips, a quarter of a
reply's statements; here they are three subqueries of one statement.

Each answer is what the table held when the statement ran, as it was when each was its own
query: twins that race past them together are still stopped by the unique submission key
and, in a thread, by its lock (``services._refuse_repeats`` says how).
"""

from dataclasses import dataclass

from django.db.models import Exists, Subquery

from . import antispam, moderation, submission
from .posts import post_model


@dataclass(frozen=True)
class PriorComments:
    known_commenter: bool | None  # None when not asked
    earlier_id: int | None  # the comment this form created already, if any
    duplicate: bool  # the same text by the same author on the post lately


def prior_comments(*, post, author_name, author_email, body, submission_key="",
                   ask_known=False, ask_duplicate=False):  # fmt: skip
    """The answers for a new comment on ``post``: whether ``author_email`` is a known
    commenter (``ask_known``), the comment ``submission_key`` made already, and whether the
    text is a duplicate (``ask_duplicate``). One query at most, none when nothing is asked."""
    questions = {}
    if ask_known and author_email:
        questions["prior_known"] = Exists(moderation.approved_comments_by(author_email))
    if submission_key:
        earlier = submission.comments_for_key(submission_key).values("pk")[:1]
        questions["prior_earlier"] = Subquery(earlier)
    if ask_duplicate:
        questions["prior_duplicate"] = Exists(
            antispam.duplicates(
                post=post, author_name=author_name, author_email=author_email, body=body
            )
        )
    answers = {}
    if questions:
        # The post's own row carries the subqueries: a statement needs a FROM.
        rows = post_model().objects.filter(pk=post.pk).order_by().values(**questions)
        answers = next(iter(rows), {})
    return PriorComments(
        known_commenter=bool(answers.get("prior_known")) if ask_known else None,
        earlier_id=answers.get("prior_earlier"),
        duplicate=bool(answers.get("prior_duplicate")),
    )
