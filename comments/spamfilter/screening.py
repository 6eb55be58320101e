"""What ``comment_create`` asks before it writes a comment: the rules, then the filter.

``screen`` runs the moderators' rules and, when the filter is on and has learned both
kinds, scores the comment from its features' counts: one statement reads both. The caller
stores the score, the reasons and the evidence with the comment (``save_evidence``).
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

from ..statements import run_or_add
from . import classifier, rules, store
from .features import Signals, comment_features, feature_key, spelled_out
from .models import SpamEvidence, SpamRule

REFUSED_MESSAGE = _("Your comment was not posted: it matches a rule of this site.")


class RuleRefusal(Exception):
    """A rule with the action "refuse" matched; nothing may be stored."""

    def __init__(self, rules_hit):
        super().__init__("refused by a rule")
        self.rules = rules_hit


@dataclass
class Screening:
    score: float | None = None  # None: not scored (filter off or not trained yet)
    reasons: list = field(default_factory=list)
    feature_keys: list = field(default_factory=list)
    rule_action: str | None = None
    rules: list = field(default_factory=list)

    @property
    def shadow_banned(self):
        return self.rule_action == SpamRule.Action.SHADOW

    def status(self, policy_status):
        """The status a new comment gets: the rules', else the filter's, else the policy's."""
        from ..models import Comment

        action = self.rule_action
        if action in (SpamRule.Action.SPAM, SpamRule.Action.SHADOW):
            return Comment.Status.SPAM
        if self.score is not None and self.score >= settings.COMMENTS_SPAM_THRESHOLD:
            return Comment.Status.SPAM
        if action == SpamRule.Action.HOLD:
            return Comment.Status.PENDING
        if self.score is not None and self.score > settings.COMMENTS_HOLD_THRESHOLD:
            return Comment.Status.PENDING
        return policy_status


def features_of(*, body, author_name, author_email, author_url, signals=None):
    """The comment's features and their keys (one key per feature, sorted)."""
    feats = comment_features(
        body=body, name=author_name, email=author_email, url=author_url, signals=signals
    )
    by_key = {feature_key(feature): feature for feature in feats}
    return by_key


def verdict_of(by_key, counts_and_totals):
    """The model's verdict on features given as {key: feature}, from their counts (as
    ``store.counts_for`` gives them), or None if untrained."""
    counts, (spam_total, ham_total) = counts_and_totals
    if not spam_total or not ham_total:
        return None
    named = {by_key[key]: value for key, value in counts.items()}
    return classifier.score(by_key.values(), named, spam_total, ham_total)


def screen(*, body, author_name, author_email, author_url, ip_address, signals=None):
    """Rules and score for a new comment; ``RuleRefusal`` if a refusing rule matches."""
    comment = {
        "body": body,
        "author_name": author_name,
        "author_email": author_email,
        "author_url": author_url,
    }
    by_key = None
    if settings.COMMENTS_SPAM_FILTER_ENABLED:
        by_key = features_of(**comment, signals=signals or Signals())
    rule_rows, count_rows = _rules_and_counts(
        rules.rules_query(**comment, ip_address=ip_address),
        store.counts_query(list(by_key)) if by_key is not None else None,
    )
    match = rules.RuleMatch.from_rows(rule_rows)
    if match.action == SpamRule.Action.REFUSE:
        raise RuleRefusal([r for r in match.rules if r.action == SpamRule.Action.REFUSE])
    screening = Screening(rule_action=match.action, rules=match.rules, reasons=match.reasons())
    if by_key is not None:
        screening.feature_keys = sorted(by_key)
        verdict = verdict_of(by_key, store.counts_from_rows(count_rows))
        if verdict is not None:
            screening.score = round(verdict.score, 4)
            named = spelled_out([feature for feature, _p in verdict.reasons], body)
            screening.reasons += [
                f"{name} ({p:.2f})"
                for name, (_feature, p) in zip(named, verdict.reasons, strict=True)
            ]
    return screening


def _rules_and_counts(rules_query, counts_query):
    """The rows of the rules' query and of the counts' query (each ``(sql, params)`` or None),
    read in one statement: a round trip less on every comment (~30 µs of CPU; bench/README,
    "Screening's lists")."""
    if rules_query is None or counts_query is None:
        return _rows(rules_query), _rows(counts_query)
    (rules_sql, rules_params), (counts_sql, counts_params) = rules_query, counts_query
    sql = (
        f"SELECT 0, id, kind, pattern, action, 0, 0 FROM ({rules_sql}) AS matched "  # noqa: S608
        f"UNION ALL SELECT 1, key, '', '', '', spam, ham FROM ({counts_sql}) AS counted"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rules_params, *counts_params])
        rows = cursor.fetchall()
    return (
        [row[1:5] for row in rows if row[0] == 0],
        [(row[1], row[5], row[6]) for row in rows if row[0] == 1],
    )


def _rows(query):
    """The rows of one ``(sql, params)`` query; none for None."""
    if query is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return cursor.fetchall()


def save_evidence(comment, screening, *, batch=None):
    """Store the evidence of a just-saved comment, and count the rules' hits; the evidence's
    row with ``batch``'s statements when one is given (``comments.statements``).

    The row is written in SQL: on every comment of the form, ``objects.create()`` cost ~0.4 ms
    of Python (``bench/reply_profile.py``), about as much as the rest of storing the verdict."""
    rules.record_hits(screening.rules)
    if screening.feature_keys:
        table = connection.ops.quote_name(SpamEvidence._meta.db_table)
        sql = f"INSERT INTO {table} (comment_id, features, learned) VALUES (%s, %s, %s)"  # noqa: S608 - a table name
        features = json.dumps(screening.feature_keys)
        params = [comment.pk, features, SpamEvidence.Learned.NOTHING.value]
        run_or_add(batch, sql, params)
