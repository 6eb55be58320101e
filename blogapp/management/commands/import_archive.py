"""import_archive PATH [PATH ...] [--format auto|text|wxr|disqus] [--dry-run]

Import archived posts with their comment threads: a plain-text page archive, a WordPress
export (WXR 1.0-1.2) or a Disqus export. Each file is imported in its own transaction; a
malformed file stops the command with an error naming the file and the line or element, and
nothing from that file is written. Importing the same file again creates nothing ("unchanged");
a newer export adds only what is new. ``--dry-run`` parses and reports without writing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from blogapp.importers import ImportFormatError, detect_format, parse
from blogapp.importers.detect import FORMATS
from blogapp.importers.loader import ImportStats, Loader
from comments.management.language import OperatorLanguageCommand

SHOWN_WARNINGS = 20


class Command(OperatorLanguageCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help=gettext_lazy("archive files"))
        parser.add_argument(
            "--format",
            choices=("auto", *FORMATS),
            default="auto",
            help=gettext_lazy("file format (default: detected from the file)"),
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=gettext_lazy("parse and report, write nothing")
        )

    def handle(self, *args, paths, format, dry_run, verbosity, **options):
        total = ImportStats()
        for done, path in enumerate(paths):
            try:
                stats = self.import_file(path, format, dry_run=dry_run, verbosity=verbosity)
            except CommandError as exc:
                if done:
                    exc.args = (
                        ngettext(
                            "%(error)s (%(count)d earlier file was imported)",
                            "%(error)s (%(count)d earlier files were imported)",
                            done,
                        )
                        % {"error": exc.args[0], "count": done},
                    )
                raise
            total.add(stats)
            if verbosity >= 1:
                self.stdout.write(f"{path}: {describe(stats)}")
        if verbosity >= 1 and len(paths) > 1:
            self.stdout.write(_("total: %(summary)s") % {"summary": describe(total)})
        if dry_run and verbosity >= 1:
            self.stdout.write(_("dry run: nothing was written"))

    def import_file(self, path: str, fmt: str, *, dry_run: bool, verbosity: int) -> ImportStats:
        if not Path(path).is_file():
            raise CommandError(_("%(path)s: no such file") % {"path": path})
        bar = None
        if verbosity >= 1 and self.stderr.isatty():
            from tqdm import tqdm

            unit = " " + _("comments")
            bar = tqdm(desc=Path(path).name, unit=unit, file=sys.stderr, leave=False)

        def warn(message: str) -> None:
            shown = len(loader.stats.warnings)
            if verbosity >= 2 or (verbosity >= 1 and shown <= SHOWN_WARNINGS):
                self.stderr.write(
                    _("warning: %(path)s: %(message)s") % {"path": path, "message": message}
                )

        loader = Loader(dry_run=dry_run, warn=warn, progress=bar.update if bar else None)
        try:
            fmt = detect_format(path) if fmt == "auto" else fmt
            with transaction.atomic():
                records = parse(
                    path,
                    fmt,
                    warn=loader.warn,
                    site_timezone=timezone.get_default_timezone(),
                )
                stats = loader.load(records)
                if dry_run:
                    transaction.set_rollback(True)
        except ImportFormatError as exc:
            raise CommandError(
                _("%(error)s (nothing from this file was written)") % {"error": exc}
            ) from exc
        except (OSError, DatabaseError) as exc:
            raise CommandError(
                _("%(path)s: %(error)s (nothing from this file was written)")
                % {"path": path, "error": exc}
            ) from exc
        finally:
            if bar is not None:
                bar.close()
        if verbosity >= 1 and len(stats.warnings) > SHOWN_WARNINGS and verbosity < 2:
            hidden = len(stats.warnings) - SHOWN_WARNINGS
            self.stderr.write(
                ngettext(
                    "warning: %(path)s: %(count)d more (run with -v 2 to see it)",
                    "warning: %(path)s: %(count)d more (run with -v 2 to see them)",
                    hidden,
                )
                % {"path": path, "count": hidden}
            )
        return stats


def describe(stats: ImportStats) -> str:
    """One line per file: what was created, what was already there, how many warnings."""
    text = _(
        "posts %(posts_created)d created, %(posts_unchanged)d unchanged; "
        "comments %(comments_created)d created, %(comments_unchanged)d unchanged; %(warnings)s"
    ) % {
        "posts_created": stats.posts_created,
        "posts_unchanged": stats.posts_unchanged,
        "comments_created": stats.comments_created,
        "comments_unchanged": stats.comments_unchanged,
        "warnings": ngettext("%(count)d warning", "%(count)d warnings", len(stats.warnings))
        % {"count": len(stats.warnings)},
    }
    if not stats.posts_created and not stats.comments_created:
        text = _("unchanged: %(summary)s") % {"summary": text}
    return text
