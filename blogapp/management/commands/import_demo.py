"""import_demo [--force]

Import the demo archive (``blogapp/demo/``, a text archive written for this project) when the
database has no posts yet, so a new site opens on a real threaded discussion. ``make run``
calls it on every start; with posts present it does nothing (``--force`` imports anyway, which
is idempotent: already-imported comments are left alone).
"""

from pathlib import Path

from django.core.management import call_command
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from blogapp.models import Post
from comments.management.language import OperatorLanguageCommand

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


class Command(OperatorLanguageCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help=gettext_lazy("import even when posts already exist"),
        )

    def handle(self, *args, force, verbosity, **options):
        if Post.objects.exists() and not force:
            if verbosity >= 1:
                self.stdout.write(_("posts exist: demo content not imported"))
            return
        paths = sorted(str(path) for path in DEMO_DIR.glob("*.txt"))
        call_command(
            "import_archive", *paths, verbosity=verbosity, stdout=self.stdout, stderr=self.stderr
        )
