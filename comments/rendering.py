"""Rendering a Discussion to HTML."""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


def render_discussion(discussion):
    """The thread's HTML. Every comment body in it is the stored, sanitised ``body_html``."""
    html = render_to_string("comments/discussion.html", {"discussion": discussion}, using="jinja2")
    return mark_safe(html)  # noqa: S308 - Jinja2 autoescapes; body_html is sanitised at write
