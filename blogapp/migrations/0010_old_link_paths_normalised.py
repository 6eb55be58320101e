import re

from django.db import migrations

from blogapp.links import normal_path

# A stored key: the path, then ``?p=<id>`` for WordPress's numeric links.
WORDPRESS_QUERY = re.compile(r"(.*?)((?:\?p=\d+)?)", re.DOTALL)


def normalise_paths(apps, schema_editor):
    """Old paths stored before requests and addresses were compared in one form
    (``//greek/…``) take that form; of two that meet, the older mapping keeps its post."""
    OldLink = apps.get_model("blogapp", "OldLink")
    keys = {}
    losers = []
    for pk, stored in OldLink.objects.order_by("pk").values_list("pk", "path"):
        path, post_query = WORDPRESS_QUERY.fullmatch(stored).groups()
        key = normal_path(path) + post_query
        if key in keys:
            losers.append(pk)
        else:
            keys[key] = (pk, stored)
    # The losers first: a row already in the normal form may hold a winner's key.
    OldLink.objects.filter(pk__in=losers).delete()
    for key, (pk, stored) in keys.items():
        if key != stored:
            OldLink.objects.filter(pk=pk).update(path=key)


class Migration(migrations.Migration):
    dependencies = [
        ("blogapp", "0009_unicode_slugs"),
    ]

    operations = [
        migrations.RunPython(normalise_paths, migrations.RunPython.noop, elidable=True),
    ]
