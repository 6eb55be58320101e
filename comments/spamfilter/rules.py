"""Matching a comment against the moderators' rules: one query, whatever their number.

The comment is turned into the few values a rule could equal: its word sequences of up to
``MAX_PHRASE_WORDS`` words (normalised as rules are, see ``normalise``), its email address
and the domains above it, the domains it links to or gives as website and theirs, and its
IP address. One ``SELECT`` finds the rules whose value is among those (through the
``(kind, value)`` unique index) or whose IP range holds the address (``spamrule_ip_idx``).
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import connection
from django.db.models import F
from django.utils import timezone

from .features import URL, domain_of
from .models import SpamRule, ip_hex
from .normalise import normalise, words
from .sql_lists import TEXT_ARRAY, text_array

MAX_PHRASE_WORDS = 5  # a phrase rule longer than this never matches (said in the admin)
MAX_GRAMS = 20_000  # a 10,000-character comment has ~2,000 words: ample


class Hit(NamedTuple):
    pk: int
    kind: str
    pattern: str
    action: str


@dataclass
class RuleMatch:
    rules: list = field(default_factory=list)

    @property
    def action(self):
        """The strongest action among the matching rules, or None."""
        if not self.rules:
            return None
        return max((rule.action for rule in self.rules), key=SpamRule.STRENGTH.__getitem__)

    @classmethod
    def from_rows(cls, rows):
        """The match of the rows of ``rules_query``."""
        return cls([Hit(*row) for row in rows])

    def reasons(self):
        return [f"rule:{rule.kind}:{rule.pattern}" for rule in self.rules]


def _phrases(text):
    tokens = words(normalise(text))
    grams = set()
    for size in range(1, MAX_PHRASE_WORDS + 1):
        for start in range(len(tokens) - size + 1):
            grams.add(" ".join(tokens[start : start + size]))
            if len(grams) >= MAX_GRAMS:
                return grams
    return grams


def _with_parents(host):
    """example.org for www.mail.example.org, and every domain in between."""
    parts = host.split(".")
    return {".".join(parts[i:]) for i in range(len(parts) - 1)}


def _email_values(email):
    email = normalise(email or "").strip()
    if "@" not in email:
        return set()
    return {email} | _with_parents(email.rpartition("@")[2])


def _website_values(body, url):
    hosts = {domain_of(link) for link in URL.findall(normalise(body))}
    if url:
        hosts.add(domain_of(url))
    values = set()
    for host in hosts:
        if host:
            values |= _with_parents(host)
    return values


def _address_key(ip_address):
    try:
        return ip_hex(ip_address) if ip_address else ""
    except ValueError:  # not an address (a caller's mistake): no IP rule can match it
        return ""


def matching_rules(**comment):
    """Every rule the comment matches (one query); takes ``rules_query``'s arguments."""
    query = rules_query(**comment)
    if query is None:
        return RuleMatch([])
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return RuleMatch.from_rows(cursor.fetchall())


def rules_query(*, body, author_name="", author_email="", author_url="", ip_address=None):
    """The ``SELECT`` of the rules a comment matches, as ``(sql, params)``: rows ``(id, kind,
    pattern, action)``. None when the comment holds nothing a rule could equal.

    Plain SQL: on the write path of every comment, the ORM's building of this query cost
    more CPU than the matching itself. Each part uses the (kind, value) index or, for
    addresses, spamrule_ip_idx.
    """
    parts = [("word", sorted(_phrases(f"{author_name}\n{body}")))]
    parts.append(("email", sorted(_email_values(author_email))))
    parts.append(("website", sorted(_website_values(body, author_url))))
    conditions, params = [], []
    for kind, values in parts:
        if not values:
            continue
        if connection.vendor == "postgresql":
            conditions.append(f"(kind = %s AND value = ANY({TEXT_ARRAY}))")
            params += [kind, text_array(values)]
        else:
            conditions.append(f"(kind = %s AND value IN ({', '.join(['%s'] * len(values))}))")
            params += [kind, *values]
    address = _address_key(ip_address)
    if address:
        conditions.append("(kind = %s AND ip_first <= %s AND ip_last >= %s)")
        params += [SpamRule.Kind.IP, address, address]
    if not conditions:
        return None
    table = connection.ops.quote_name(SpamRule._meta.db_table)
    sql = f"SELECT id, kind, pattern, action FROM {table} WHERE {' OR '.join(conditions)}"  # noqa: S608
    return sql, params


def record_hits(rules):
    """Count one hit on each of ``rules`` (one UPDATE)."""
    if rules:
        SpamRule.objects.filter(pk__in=[rule.pk for rule in rules]).update(
            hits=F("hits") + 1, last_hit_at=timezone.now()
        )
