"""export_archive [--format wxr|json] [--post SLUG] [--include-spam] [--with-personal-data] OUT|-

Export the blog's posts with their comment threads, as WordPress eXtended RSS 1.2 (read by
WordPress's importer and by ``import_archive``) or as JSON for other tools (neither of those
reads it; README, "Exporting"), to the file OUT or, with ``-``, to standard output. Output is
written as it is read from the database, so memory stays flat whatever the size of the
archive. Spam is left out unless ``--include-spam``; commenters' email and IP addresses unless
``--with-personal-data``.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blogapp.exporters import FORMATS, ExportOptions, export_chunks
from blogapp.models import Post
from comments.management.language import OperatorLanguageCommand


class Command(OperatorLanguageCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("out", metavar="OUT", help=gettext_lazy("output file, or - for stdout"))
        parser.add_argument(
            "--format", choices=FORMATS, default="wxr", help=gettext_lazy("default: wxr")
        )
        parser.add_argument("--post", metavar="SLUG", help=gettext_lazy("export this post only"))
        parser.add_argument(
            "--include-spam", action="store_true", help=gettext_lazy("also export spam comments")
        )
        parser.add_argument(
            "--with-personal-data",
            action="store_true",
            help=gettext_lazy("include commenters' email and IP addresses"),
        )

    def handle(
        self, *args, out, format, post, include_spam, with_personal_data, verbosity, **options
    ):
        if post and not Post.objects.filter(slug=post).exists():
            raise CommandError(_("no post with the slug %(slug)s") % {"slug": repr(post)})
        export_options = ExportOptions(
            format=format,
            post_slug=post,
            include_spam=include_spam,
            with_personal_data=with_personal_data,
        )
        if out == "-":
            for chunk in export_chunks(export_options):
                self.stdout.write(chunk, ending="")
            return
        target = Path(out)
        partial = target.with_name(target.name + ".partial")
        try:
            # Written beside the target and renamed at the end: a failed export never
            # leaves a truncated file under the name asked for.
            with open(partial, "w", encoding="utf-8") as stream:
                for chunk in export_chunks(export_options):
                    stream.write(chunk)
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(_("%(path)s: %(error)s") % {"path": out, "error": exc}) from exc
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        if verbosity >= 1:
            self.stderr.write(
                _("%(path)s: %(size)d bytes written") % {"path": out, "size": target.stat().st_size}
            )
