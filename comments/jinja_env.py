"""The Jinja2 environment for the comment thread templates."""

from django.urls import reverse
from jinja2 import Environment

from .selectors import PAGE_PARAM


def environment(**options):
    env = Environment(**options)  # noqa: S701 - the Django backend turns autoescape on
    env.globals.update({"url": reverse, "PAGE_PARAM": PAGE_PARAM})
    return env
