"""The spam filter's model: measure it, train it from stored decisions, reset it.

    manage.py spamfilter evaluate --train A.csv [B.csv …] --stream C.csv [D.csv …]
    manage.py spamfilter train [--dry-run]
    manage.py spamfilter reset [--dry-run]

``evaluate`` uses a throwaway model in memory (``comments.spamfilter.evaluate``) and never
touches the site's; its last line is
``ham_to_spam=<r> ham_held=<r> spam_published=<r> spam_caught=<r> n=<N>``.
``train`` teaches the site's model every approved comment as ham and every spam comment as
spam that it has not learned yet (an imported archive's statuses, comments decided before
the filter existed), in batches; running it again teaches nothing twice. ``reset`` forgets
everything learned.
"""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from comments.management.language import OperatorLanguageCommand
from comments.models import Comment
from comments.spamfilter import learning, store
from comments.spamfilter.evaluate import EvaluationError, evaluate
from comments.spamfilter.models import SpamEvidence

BATCH = 1000


class Command(OperatorLanguageCommand):
    help = gettext_lazy(
        "Evaluate the spam filter on labelled CSV files, train it from statuses, or reset it."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        run = commands.add_parser(
            "evaluate", help=gettext_lazy("Measure a throwaway model on CSV files.")
        )
        run.add_argument("--train", nargs="+", required=True, metavar="CSV")
        run.add_argument("--stream", nargs="+", required=True, metavar="CSV")
        train = commands.add_parser("train", help=gettext_lazy("Learn approved and spam comments."))
        train.add_argument("--dry-run", action="store_true")
        reset = commands.add_parser("reset", help=gettext_lazy("Forget everything learned."))
        reset.add_argument("--dry-run", action="store_true")

    def handle(self, *, action, **options):
        getattr(self, f"handle_{action}")(**options)

    def handle_evaluate(self, *, train, stream, verbosity, **options):
        try:
            per_file, total = evaluate(train=train, stream=stream)
        except EvaluationError as error:
            raise CommandError(str(error)) from None
        if verbosity >= 1:
            for path, outcome in per_file:
                self.stdout.write(f"{path}: {outcome.line()}")
        self.stdout.write(total.line())

    def handle_train(self, *, dry_run, verbosity, **options):
        decided = Comment.objects.filter(status__in=list(learning.LEARNED_FROM_STATUS))
        ids = list(decided.order_by("pk").values_list("pk", flat=True))
        if dry_run:
            learned = SpamEvidence.objects.filter(comment_id__in=ids).exclude(learned="").count()
            count = len(ids) - learned
            self.stdout.write(
                ngettext(
                    "would learn up to %(count)d comment (dry run)",
                    "would learn up to %(count)d comments (dry run)",
                    count,
                )
                % {"count": count}
            )
            return
        taught = 0
        for start in range(0, len(ids), BATCH):
            taught += learning.learn_statuses(comment_ids=ids[start : start + BATCH])
            if verbosity >= 2:
                self.stdout.write(
                    _("%(done)d/%(total)d comments read")
                    % {"done": min(start + BATCH, len(ids)), "total": len(ids)}
                )
        spam, ham = store.totals()
        self.stdout.write(
            ngettext(
                "learned %(count)d comment; the model knows %(spam)d spam, %(ham)d ham",
                "learned %(count)d comments; the model knows %(spam)d spam, %(ham)d ham",
                taught,
            )
            % {"count": taught, "spam": spam, "ham": ham}
        )

    def handle_reset(self, *, dry_run, **options):
        spam, ham = store.totals()
        if dry_run:
            self.stdout.write(
                _("would forget %(spam)d spam and %(ham)d ham (dry run)")
                % {"spam": spam, "ham": ham}
            )
            return
        learning.reset_model()
        self.stdout.write(_("forgot %(spam)d spam and %(ham)d ham") % {"spam": spam, "ham": ham})
