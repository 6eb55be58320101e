"""The Jinja2 environment for the comment thread templates."""

from django.urls import reverse
from jinja2 import Environment


def environment(**options):
    from .pages import PAGE_PARAM  # the page modules render through this environment

    env = Environment(**options)  # noqa: S701 - the Django backend turns autoescape on
    env.globals.update({"url": reverse, "PAGE_PARAM": PAGE_PARAM})
    return env
