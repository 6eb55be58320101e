"""Forget a post's cached discussion whenever one of its comments (or the post) is saved.

This catches every change made through model instances, e.g. moderation in the admin.
``comment_create`` and the importer also call ``discussion_changed`` themselves; an extra
version bump costs one cache miss.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from blogapp.models import Post

from .cache import discussion_changed
from .models import Comment


def _on_commit_changed(post_id):
    transaction.on_commit(lambda: discussion_changed(post_id))


@receiver(post_save, sender=Comment, dispatch_uid="comments.discussion_changed.save")
@receiver(post_delete, sender=Comment, dispatch_uid="comments.discussion_changed.delete")
def comment_changed(sender, instance, **kwargs):
    _on_commit_changed(instance.post_id)


@receiver(post_save, sender=Post, dispatch_uid="comments.discussion_changed.post")
def post_changed(sender, instance, created, **kwargs):
    # The discussion shows whether the post takes replies; a new post has nothing cached.
    if not created:
        _on_commit_changed(instance.pk)
