from django.db import migrations


def neutral_avatars(apps, schema_editor):
    """Comments erased before erasing reset avatars keep no avatar drawn from their address:
    every comment without name or email gets the one an anonymous comment gets."""
    from comments.avatars import neutral_avatar_key
    from comments.cache import discussions_changed

    Comment = apps.get_model("comments", "Comment")
    neutral = neutral_avatar_key()
    changed = Comment.objects.filter(author_name="", author_email="").exclude(avatar_key=neutral)
    post_ids = set(changed.values_list("post_id", flat=True).distinct())
    changed.update(avatar_key=neutral)
    discussions_changed(post_ids)  # their cached pages show the old avatars


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0026_delivery_contents_kept_indexes"),
    ]

    operations = [
        migrations.RunPython(neutral_avatars, migrations.RunPython.noop, elidable=True),
    ]
