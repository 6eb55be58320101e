"""Forget a post's cached discussion whenever one of its comments (or the post) is saved.

This catches every change made through model instances: new comments from ``comment_create``,
admin edits and deletes. Bulk writes that send no signals call
``discussions_changed_on_commit`` themselves.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .cache import discussions_changed_on_commit
from .models import Comment


@receiver(post_save, sender=Comment, dispatch_uid="comments.discussion_changed.save")
@receiver(post_delete, sender=Comment, dispatch_uid="comments.discussion_changed.delete")
def comment_changed(sender, instance, **kwargs):
    discussions_changed_on_commit([instance.post_id])


# The post model by its label: ModelSignal resolves it once the apps are loaded.
@receiver(post_save, sender=settings.COMMENTS_POST_MODEL, dispatch_uid="comments.post_changed")
def post_changed(sender, instance, created, **kwargs):
    # The discussion shows whether the post takes replies; a new post has nothing cached.
    if not created:
        discussions_changed_on_commit([instance.pk])
