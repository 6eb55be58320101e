"""Columns the admin's logs and lists share."""

from django.contrib import admin
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timezone import localtime


def short_date(value):
    """``value`` in the site's time zone as "2017-09-05 14:03" (the language's short form)."""
    return date_format(localtime(value), "SHORT_DATETIME_FORMAT")


def short_date_column(field_name, description):
    """A list column showing ``field_name`` as a short date and time ("2017-09-05 14:03"),
    sorted by that field. Django's long form ("September 5, 2017, 14:03") never wraps, and
    three of them pushed a list past a laptop's screen."""

    @admin.display(description=description, ordering=field_name)
    def column(obj):
        value = getattr(obj, field_name)
        return short_date(value) if value else None

    column.__name__ = field_name  # the cell's class: field-<name>
    return column


def with_detail(label, detail):
    """A cell's ``label`` with a quieter ``detail`` under it (nothing under it without one)."""
    if not detail:
        return label
    return format_html('{}<br><span class="quiet">{}</span>', label, detail)
