"""Lists sent to PostgreSQL as one text parameter.

psycopg2 adapts a Python list item by item, quoting each string through libpq: the ~150 word
sequences the rules look up for a 30-word comment took ~70 µs of CPU that way, against ~8 µs
joined into one text that the server splits. Checking a typical comment against 10,000
rules (bench/spam_rules.py) went from 0.29 to 0.16 ms of CPU (bench/README, "Screening's
lists").
"""

# The server's side of each: a fragment to put where the array goes.
TEXT_ARRAY = "string_to_array(%s, E'\\n')"
BIGINT_ARRAY = "%s::bigint[]"


def text_array(values):
    """The parameter for ``TEXT_ARRAY``: ``values`` joined by line breaks. A value holding a
    line break is left out: no value the rules store or look up can hold one."""
    return "\n".join(value for value in values if "\n" not in value)


def bigint_array(values):
    """The parameter for ``BIGINT_ARRAY``: integers in PostgreSQL's array syntax."""
    return "{" + ",".join(str(int(value)) for value in values) + "}"
