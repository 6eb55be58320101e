"""The path converter for a post's slug, in the comments' URLs and the host app's."""

from django.urls import converters, register_converter

NAME = "post_slug"


class PostSlugConverter:
    """Letters of any script, digits, "-" and "_" ("επίπεδο-2"), what a ``SlugField`` with
    ``allow_unicode`` holds; Django's ``slug`` converter matches ASCII only."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


def register_post_slug():
    """Once per process (a second registration of a name is deprecated in Django)."""
    if NAME not in converters.get_converters():
        register_converter(PostSlugConverter, NAME)
