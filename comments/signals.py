"""Move a post's discussion version whenever one of its comments (or the post) is saved.

This catches every change made through model instances: admin edits and deletes, and any
comment saved outside the services. The bump is part of the same transaction as the save.
Bulk writes that send no signals (moderation's ``QuerySet.update()``, imports) call
``discussions_changed`` themselves; so does ``comment_create``, as late as it can (see
``BUMPED_BY_CALLER``).
"""

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .cache import discussions_changed
from .models import Comment

# Set on a Comment instance by a service that bumps the version itself at the end of its
# transaction: the version row of a busy post is then locked for the shortest time.
BUMPED_BY_CALLER = "_discussion_bumped_by_caller"


@receiver(post_save, sender=Comment, dispatch_uid="comments.discussion_changed.save")
@receiver(post_delete, sender=Comment, dispatch_uid="comments.discussion_changed.delete")
def comment_changed(sender, instance, origin=None, **kwargs):
    if getattr(instance, BUMPED_BY_CALLER, False) or _deleting_posts(origin):
        return
    discussions_changed([instance.post_id])


def _deleting_posts(origin):
    """The comment goes with its post (``origin``: what the delete began with): the post's
    discussion goes too, and a version row written now would name a post about to vanish."""
    if origin is None:
        return False
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model._meta.label_lower == settings.COMMENTS_POST_MODEL.lower()


# The post model by its label: ModelSignal resolves it once the apps are loaded.
@receiver(post_save, sender=settings.COMMENTS_POST_MODEL, dispatch_uid="comments.post_changed")
def post_changed(sender, instance, created, **kwargs):
    # The discussion shows whether the post takes replies; a new post has nothing cached.
    if not created:
        discussions_changed([instance.pk])
