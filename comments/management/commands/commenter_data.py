"""What the site stores about a commenter's email address: export it, or erase the person.

    python manage.py commenter_data export EMAIL [--output FILE]
    python manage.py commenter_data erase EMAIL [--remove-text] [--no-input] [--dry-run]

``export`` writes everything stored about the address as JSON (comments, subscriptions, mail,
a "stop all mail" request) to standard output or ``--output``. ``erase`` removes the person's
name, email, website and IP address from all their comments (``--remove-text``: their text
too; threads keep their shape with placeholders), their subscriptions and their mail
(``comments.privacy.commenter_erase``). From a terminal it asks for confirmation first unless
``--no-input`` is given; run from a script (no terminal) it never asks.
"""

import json
import logging
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comments.management.language import OperatorLanguageCommand
from comments.privacy import commenter_data, commenter_erase, erase_summary

logger = logging.getLogger("comments.privacy")


class Command(OperatorLanguageCommand):
    help = gettext_lazy(
        "Export everything stored about a commenter's email address, or erase the person."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email", help=gettext_lazy("The commenter's email address."))
        parser.add_argument(
            "--output",
            "-o",
            default="-",
            help=gettext_lazy("export: write the JSON to this file (- = stdout)."),
        )
        parser.add_argument(
            "--remove-text",
            action="store_true",
            help=gettext_lazy("erase: remove the comments' text too."),
        )
        parser.add_argument(
            "--no-input", "--noinput", action="store_false", dest="interactive",
            help=gettext_lazy("erase: never ask for confirmation."),
        )  # fmt: skip
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("erase: say what would go, change nothing."),
        )

    def handle(self, *, action, email, **options):
        try:
            validate_email(email.strip())
        except ValidationError as exc:
            raise CommandError(
                _("Not an email address: %(email)s") % {"email": repr(email)}
            ) from exc
        if action == "export":
            self.export(email, options["output"], options["verbosity"])
        else:
            self.erase(email, options)

    def export(self, email, output, verbosity):
        data = commenter_data(email)
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2) + "\n"
        if output == "-":
            self.stdout.write(text, ending="")
        else:
            with open(output, "w", encoding="utf-8") as out:
                out.write(text)
        logger.info(
            "Exported a commenter's data: %d comments, %d subscriptions, %d mails.",
            len(data["comments"]), len(data["subscriptions"]), len(data["mail"]),
        )  # fmt: skip
        if verbosity and output != "-":
            self.stderr.write(
                _("Wrote %(comments)s, %(subscriptions)s and %(mails)s to %(path)s.")
                % {
                    **counted(
                        comments=len(data["comments"]),
                        subscriptions=len(data["subscriptions"]),
                        mails=len(data["mail"]),
                    ),
                    "path": output,
                }
            )

    def erase(self, email, options):
        remove_text = options["remove_text"]
        planned = commenter_erase(email=email, remove_text=remove_text, dry_run=True)
        numbers = counted(
            comments=planned["comments"],
            subscriptions=planned["subscriptions"],
            mails=planned["mails"],
        )
        if options["dry_run"]:
            if remove_text:
                message = _(
                    "Would erase the personal data and text of %(comments)s, and delete "
                    "%(subscriptions)s and %(mails)s."
                )
            else:
                message = _(
                    "Would erase the personal data of %(comments)s, and delete "
                    "%(subscriptions)s and %(mails)s."
                )
            self.stdout.write(message % numbers)
            return
        if options["interactive"] and sys.stdin.isatty():
            if remove_text:
                question = _(
                    "Erase the personal data and text of %(comments)s by %(email)s? This "
                    "cannot be undone. Type 'yes' to go on: "
                )
            else:
                question = _(
                    "Erase the personal data of %(comments)s by %(email)s? This cannot be "
                    "undone. Type 'yes' to go on: "
                )
            answer = input(question % {**numbers, "email": email})
            if answer.strip().lower() != "yes":  # the word asked for, in every language
                raise CommandError(_("Nothing was erased."))
        counts = commenter_erase(email=email, remove_text=remove_text)
        if options["verbosity"]:
            self.stdout.write(erase_summary(counts))


def counted(*, comments, subscriptions, mails):
    """The numbers as words with their nouns ("3 comments"), for the sentences above."""
    return {
        "comments": ngettext("%(count)d comment", "%(count)d comments", comments)
        % {"count": comments},
        "subscriptions": ngettext(
            "%(count)d subscription", "%(count)d subscriptions", subscriptions
        )
        % {"count": subscriptions},
        "mails": ngettext("%(count)d mail", "%(count)d mails", mails) % {"count": mails},
    }
