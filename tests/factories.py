"""Small builders for test data, through the real models and the real write service."""

import itertools
from datetime import timedelta

from django.utils import timezone

from blogapp.models import Post
from comments.models import Comment
from comments.services import comment_create

_counter = itertools.count(1)


def make_post(**fields):
    n = next(_counter)
    defaults = {
        "title": f"Post {n}",
        "slug": f"post-{n}",
        "body": "<p>Body</p>",
        "author_name": "Editor",
        "published_at": timezone.now() - timedelta(days=1),
        "status": Post.Status.PUBLISHED,
    }
    defaults.update(fields)
    return Post.objects.create(**defaults)


def make_comment(post, parent=None, **fields):
    defaults = {
        "author_name": "Reader",
        "body": "A comment.",
        "status": Comment.Status.APPROVED,
    }
    defaults.update(fields)
    return comment_create(post=post, parent_id=parent.pk if parent else None, **defaults)
