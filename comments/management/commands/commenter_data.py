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
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email

from comments.privacy import commenter_data, commenter_erase, erase_summary

logger = logging.getLogger("comments.privacy")


class Command(BaseCommand):
    help = "Export everything stored about a commenter's email address, or erase the person."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email", help="The commenter's email address.")
        parser.add_argument(
            "--output", "-o", default="-", help="export: write the JSON to this file (- = stdout)."
        )
        parser.add_argument(
            "--remove-text", action="store_true", help="erase: remove the comments' text too."
        )
        parser.add_argument(
            "--no-input", "--noinput", action="store_false", dest="interactive",
            help="erase: never ask for confirmation.",
        )  # fmt: skip
        parser.add_argument(
            "--dry-run", action="store_true", help="erase: say what would go, change nothing."
        )

    def handle(self, *, action, email, **options):
        try:
            validate_email(email.strip())
        except ValidationError as exc:
            raise CommandError(f"Not an email address: {email!r}") from exc
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
                f"Wrote {len(data['comments'])} comments, {len(data['subscriptions'])} "
                f"subscriptions and {len(data['mail'])} mails to {output}."
            )

    def erase(self, email, options):
        remove_text = options["remove_text"]
        planned = commenter_erase(email=email, remove_text=remove_text, dry_run=True)
        what = "personal data and text" if remove_text else "personal data"
        if options["dry_run"]:
            self.stdout.write(
                f"Would erase the {what} of {planned['comments']} comments, and delete "
                f"{planned['subscriptions']} subscriptions and {planned['mails']} mails."
            )
            return
        if options["interactive"] and sys.stdin.isatty():
            answer = input(
                f"Erase the {what} of {planned['comments']} comments by {email}? "
                "This cannot be undone. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        counts = commenter_erase(email=email, remove_text=remove_text)
        if options["verbosity"]:
            self.stdout.write(erase_summary(counts))
