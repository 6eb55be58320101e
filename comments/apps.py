from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from . import checks, signals  # noqa: F401 - registers the checks, connects the handlers
        from .converters import register_post_slug

        register_post_slug()
