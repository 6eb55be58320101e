"""The Jinja2 environment for the comment thread templates."""

from django.urls import reverse
from django.utils import translation
from jinja2 import Environment

from .selectors import PAGE_PARAM, SORT_PARAM


def environment(**options):
    options["extensions"] = [*options.get("extensions", ()), "jinja2.ext.i18n"]
    env = Environment(**options)  # noqa: S701 - the Django backend turns autoescape on
    # Django's own gettext, so templates follow the request's active language; "newstyle"
    # escapes translations and fills %(name)s placeholders from keyword arguments.
    env.install_gettext_callables(
        translation.gettext, translation.ngettext, newstyle=True,
        pgettext=translation.pgettext, npgettext=translation.npgettext,
    )  # fmt: skip
    env.globals.update({"url": reverse, "PAGE_PARAM": PAGE_PARAM, "SORT_PARAM": SORT_PARAM})
    return env
