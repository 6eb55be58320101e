"""makemessages, extended to the Jinja2 templates (comments/jinja2/...).

Django's command reads Python and Django templates; a file under a Jinja2 engine's template
directory is handed to Jinja2's own extractor instead (blogapp/management/jinja_extract.py),
so its strings land in the same catalogues. Use it exactly like Django's, from the project's
root (beside manage.py):

    python manage.py makemessages -l de
"""

from pathlib import Path

from django.core.management.commands import makemessages
from django.template import engines

from blogapp.management.jinja_extract import jinja_source_as_python

# Never translated: tests, benchmarks, installed tools, build output.
IGNORED = ["node_modules", "tests", "bench", "staticfiles", "test-artifacts", "build"]


def jinja2_template_dirs():
    """Every directory a Jinja2 engine loads templates from, app directories included."""
    return [
        Path(directory).resolve()
        for engine in engines.all()
        if engine.__class__.__name__ == "Jinja2"
        for directory in engine.template_dirs
    ]


class JinjaAwareBuildFile(makemessages.BuildFile):
    @property
    def is_jinja2(self):
        path = Path(self.path).resolve()
        return any(path.is_relative_to(d) for d in self.command.jinja2_dirs)

    def preprocess(self):
        if not (self.is_templatized and self.is_jinja2):
            return super().preprocess()
        source = Path(self.path).read_text(encoding="utf-8")
        python = jinja_source_as_python(self.command.jinja2_env, source)
        Path(self.work_path).write_text(python, encoding="utf-8")


class Command(makemessages.Command):
    help = makemessages.Command.help + " Jinja2 templates included."
    build_file_class = JinjaAwareBuildFile

    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORED]
        self.jinja2_dirs = jinja2_template_dirs()
        self.jinja2_env = engines["jinja2"].env
        return super().handle(*args, **options)
