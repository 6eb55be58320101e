from datetime import UTC

from django.db import migrations, models
from django.db.models.functions import ExtractHour, ExtractMinute, ExtractSecond


def mark_text_archive_days(apps, schema_editor):
    """Comments imported from a text archive before the flag existed: a day at midnight, UTC."""
    Comment = apps.get_model("comments", "Comment")
    Comment.objects.filter(source="text").annotate(
        hour=ExtractHour("created_at", tzinfo=UTC),
        minute=ExtractMinute("created_at", tzinfo=UTC),
        second=ExtractSecond("created_at", tzinfo=UTC),
    ).filter(hour=0, minute=0, second=0).update(date_only=True)


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0023_moderator_search_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="date_only",
            field=models.BooleanField(
                db_default=False, default=False, editable=False, verbose_name="day only"
            ),
        ),
        migrations.RunPython(mark_text_archive_days, migrations.RunPython.noop),
    ]
