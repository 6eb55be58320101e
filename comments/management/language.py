"""The language of a management command's messages: the operator's, as gettext would pick it.

Django runs commands in LANGUAGE_CODE. A person at a terminal has said which language they
read in the environment (LC_ALL, LC_MESSAGES, LANG, e.g. ``de_DE.UTF-8``); the first of those
the site offers wins, else LANGUAGE_CODE.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def environment_language():
    """The site's language the environment asks for, or None."""
    for name in LOCALE_VARIABLES:
        value = os.environ.get(name, "").split(".")[0].split("@")[0]
        if not value:
            continue
        if value in ("C", "POSIX"):
            return None
        try:
            return translation.get_supported_language_variant(translation.to_language(value))
        except LookupError:
            return None
    return None


def operator_language():
    """A context in which a command's messages are in the operator's language."""
    return translation.override(environment_language() or settings.LANGUAGE_CODE)


class OperatorLanguageCommand(BaseCommand):
    """A management command whose messages, and ``--help``, are in the operator's language."""

    def run_from_argv(self, argv):
        with operator_language():  # argparse writes --help and usage errors here
            return super().run_from_argv(argv)

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        # argparse wraps the description with a regular expression: it needs a str, and a
        # translated ``help`` is a lazy one.
        if parser.description:
            parser.description = str(parser.description)
        return parser

    def execute(self, *args, **options):
        with operator_language():
            return super().execute(*args, **options)
