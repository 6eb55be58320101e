"""Jinja2 templates' strings, handed to xgettext as Python on the template's line numbers."""

from django.template import engines

from blogapp.management.jinja_extract import jinja_source_as_python

TEMPLATE = """<p>{{ _("Hello") }}</p>
{% trans count=n %}{{ count }} reply{% pluralize %}{{ count }} replies{% endtrans %}

{{ ngettext("%(num)s day", "%(num)s days", d) }} {{ pgettext("menu", "Open") }}
"""


def test_calls_land_on_the_templates_lines():
    python = jinja_source_as_python(engines["jinja2"].env, TEMPLATE)
    assert python.splitlines() == [
        "gettext('Hello')",
        "ngettext('%(count)s reply', '%(count)s replies', None, None)",
        "",
        "ngettext('%(num)s day', '%(num)s days', None); pgettext('menu', 'Open')",
    ]
    compile(python, "template.py", "exec")  # xgettext reads it as Python


def test_a_template_without_strings_gives_an_empty_file():
    assert jinja_source_as_python(engines["jinja2"].env, "<p>{{ x }}</p>") == ""
