from django.db import migrations, models

from blogapp.text import plain_excerpt


def fill_excerpts(apps, schema_editor):
    """Existing posts get the excerpt a save would give them."""
    Post = apps.get_model("blogapp", "Post")
    batch = []
    for post in Post.objects.only("id", "body_html").iterator(chunk_size=500):
        post.excerpt = plain_excerpt(post.body_html)
        batch.append(post)
        if len(batch) == 500:
            Post.objects.bulk_update(batch, ["excerpt"])
            batch = []
    Post.objects.bulk_update(batch, ["excerpt"])


class Migration(migrations.Migration):
    dependencies = [
        ("blogapp", "0005_old_links_and_export"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="excerpt",
            field=models.TextField(blank=True, editable=False, verbose_name="excerpt"),
        ),
        migrations.RunPython(fill_excerpts, migrations.RunPython.noop, elidable=True),
    ]
