"""Give the threads stored without room for replies their room, so that replies stop shifting.

    python manage.py comments_make_room [--dry-run] [--thread TREE_ID ...]

Comments written now get room for later replies inside their own numbers (``comments.tree``);
threads stored before that, or renumbered by django-mptt's ``rebuild``, are packed, and almost
every reply into them rewrites the rest of the thread. This numbers each packed thread again
with room, in the same order, one thread per transaction under that thread's lock (the site
keeps running). ``--thread`` limits it to the given threads (packed or not). A thread busy for
longer than ``COMMENTS_LOCK_TIMEOUT`` is skipped and named; running the command again takes
it then. Run it once after upgrading from a version without room.
"""

from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comments.management.language import OperatorLanguageCommand
from comments.tree import NotOneTree, make_room, packed_threads


class Command(OperatorLanguageCommand):
    help = gettext_lazy("Number the threads stored without room for replies again, with room.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=gettext_lazy("Count the threads to renumber; change nothing."),
        )
        parser.add_argument(
            "--thread", type=int, nargs="+", dest="threads", metavar="TREE_ID",
            help=gettext_lazy("Renumber these threads (tree ids) only."),
        )  # fmt: skip

    def handle(self, *, dry_run, threads, verbosity, **options):
        tree_ids = threads or list(packed_threads())
        if dry_run:
            self.stdout.write(
                ngettext(
                    "%(count)d thread would get room for replies.",
                    "%(count)d threads would get room for replies.",
                    len(tree_ids),
                )
                % {"count": len(tree_ids)}
            )
            return
        renumbered = moved = 0
        busy = []
        for tree_id in tree_ids:
            try:
                count = make_room(tree_id=tree_id)
            except DatabaseError:  # its lock was held past COMMENTS_LOCK_TIMEOUT
                busy.append(tree_id)
                continue
            except NotOneTree:
                self.stderr.write(
                    _("thread %(thread)d: its comments do not form one tree; kept as it was")
                    % {"thread": tree_id}
                )
                continue
            renumbered += 1
            moved += count
            if verbosity >= 2:
                self.stdout.write(
                    ngettext(
                        "thread %(thread)d: %(count)d comment renumbered",
                        "thread %(thread)d: %(count)d comments renumbered",
                        count,
                    )
                    % {"thread": tree_id, "count": count}
                )
        self.stdout.write(
            ngettext(
                "%(count)d thread renumbered with room for replies (%(moved)s).",
                "%(count)d threads renumbered with room for replies (%(moved)s).",
                renumbered,
            )
            % {
                "count": renumbered,
                "moved": ngettext("%(count)d comment moved", "%(count)d comments moved", moved)
                % {"count": moved},
            }
        )
        if busy:
            self.stderr.write(
                ngettext(
                    "%(count)d thread was busy and kept as it was; run the command again: "
                    "%(threads)s",
                    "%(count)d threads were busy and kept as they were; run the command again: "
                    "%(threads)s",
                    len(busy),
                )
                % {"count": len(busy), "threads": ", ".join(map(str, busy))}
            )
