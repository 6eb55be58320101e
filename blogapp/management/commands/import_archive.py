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

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.utils import timezone

from blogapp.importers import ImportFormatError, detect_format, parse
from blogapp.importers.detect import FORMATS
from blogapp.importers.loader import ImportStats, Loader

SHOWN_WARNINGS = 20


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="archive file(s)")
        parser.add_argument(
            "--format",
            choices=("auto", *FORMATS),
            default="auto",
            help="file format (default: detected from the file)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and report, write nothing"
        )

    def handle(self, *args, paths, format, dry_run, verbosity, **options):
        total = ImportStats()
        for done, path in enumerate(paths):
            try:
                stats = self.import_file(path, format, dry_run=dry_run, verbosity=verbosity)
            except CommandError as exc:
                if done:
                    exc.args = (f"{exc.args[0]} ({done} earlier file(s) were imported)",)
                raise
            total.add(stats)
            if verbosity >= 1:
                self.stdout.write(f"{path}: {describe(stats)}")
        if verbosity >= 1 and len(paths) > 1:
            self.stdout.write(f"total: {describe(total)}")
        if dry_run and verbosity >= 1:
            self.stdout.write("dry run: nothing was written")

    def import_file(self, path: str, fmt: str, *, dry_run: bool, verbosity: int) -> ImportStats:
        if not Path(path).is_file():
            raise CommandError(f"{path}: no such file")
        bar = None
        if verbosity >= 1 and self.stderr.isatty():
            from tqdm import tqdm

            bar = tqdm(desc=Path(path).name, unit=" comments", file=sys.stderr, leave=False)

        def warn(message: str) -> None:
            shown = len(loader.stats.warnings)
            if verbosity >= 2 or (verbosity >= 1 and shown <= SHOWN_WARNINGS):
                self.stderr.write(f"warning: {path}: {message}")

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
            raise CommandError(f"{exc} (nothing from this file was written)") from exc
        except (OSError, DatabaseError) as exc:
            raise CommandError(f"{path}: {exc} (nothing from this file was written)") from exc
        finally:
            if bar is not None:
                bar.close()
        if verbosity >= 1 and len(stats.warnings) > SHOWN_WARNINGS and verbosity < 2:
            hidden = len(stats.warnings) - SHOWN_WARNINGS
            self.stderr.write(f"warning: {path}: {hidden} more (run with -v 2 to see them)")
        return stats


def describe(stats: ImportStats) -> str:
    text = (
        f"posts {stats.posts_created} created, {stats.posts_unchanged} unchanged; "
        f"comments {stats.comments_created} created, {stats.comments_unchanged} unchanged; "
        f"{len(stats.warnings)} warning(s)"
    )
    if not stats.posts_created and not stats.comments_created:
        text = "unchanged: " + text
    return text
