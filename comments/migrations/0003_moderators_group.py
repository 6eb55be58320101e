"""The "Moderators" group: staff in it moderate comments but cannot edit posts or users.

Comments: view and change (the moderation actions need the change permission), never delete
or add. Posts: view only, so the queue can show and filter by post.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Moderators"
PERMISSIONS = [
    ("comments", "comment", "view_comment"),
    ("comments", "comment", "change_comment"),
    ("blogapp", "post", "view_post"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make sure they exist.
    for app_label in {app_label for app_label, _, _ in PERMISSIONS}:
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    for app_label, model, codename in PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(
                content_type__app_label=app_label, content_type__model=model, codename=codename
            )
        )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("blogapp", "0001_initial"),
        ("comments", "0002_reply_same_post_constraint"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
