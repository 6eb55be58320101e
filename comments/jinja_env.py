"""The Jinja2 environment for the comment thread templates."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment

MONTHS = (
    "", "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)  # fmt: skip


def readable_date(value):
    """'April 27, 2017' in the site's time zone (cheap: called once per comment)."""
    local = timezone.localtime(value)
    return f"{MONTHS[local.month]} {local.day}, {local.year}"


def exact_time(value):
    """'2017-04-27 14:03 UTC', for the tooltip."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M %Z")


def environment(**options):
    env = Environment(**options)  # noqa: S701 - the Django backend turns autoescape on
    env.globals.update({"url": reverse, "settings": settings})
    env.filters.update({"readable_date": readable_date, "exact_time": exact_time})
    return env
