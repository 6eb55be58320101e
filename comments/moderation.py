"""Moderation policy: which status a new comment starts with."""

from .models import Comment


def initial_status(*, post, author_email, body):
    """Status for a comment written through the public form."""
    return Comment.Status.APPROVED
