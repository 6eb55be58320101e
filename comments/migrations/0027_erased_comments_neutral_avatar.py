from django.db import migrations
from django.db.models import F


def neutral_avatars(apps, schema_editor):
    """Comments erased before erasing reset avatars keep no avatar drawn from their address:
    every comment without name or email gets the one an anonymous comment gets."""
    from comments.avatars import neutral_avatar_key

    Comment = apps.get_model("comments", "Comment")
    DiscussionState = apps.get_model("comments", "DiscussionState")
    neutral = neutral_avatar_key()
    changed = Comment.objects.filter(author_name="", author_email="").exclude(avatar_key=neutral)
    post_ids = set(changed.values_list("post_id", flat=True).distinct())
    changed.update(avatar_key=neutral)
    # Their cached pages show the old avatars: a new discussion version for each (as
    # comments.cache.discussions_changed does, with the table as it is at this migration).
    states = DiscussionState.objects.filter(post_id__in=post_ids)
    bumped = set(states.values_list("post_id", flat=True))
    states.update(version=F("version") + 1)
    DiscussionState.objects.bulk_create(
        DiscussionState(post_id=post_id, version=1) for post_id in post_ids - bumped
    )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0026_delivery_contents_kept_indexes"),
    ]

    operations = [
        migrations.RunPython(neutral_avatars, migrations.RunPython.noop, elidable=True),
    ]
