"""What ``comment_create`` asks before it writes a comment: the rules, then the filter.

``screen`` runs the moderators' rules (one query) and, when the filter is on and has
learned both kinds, scores the comment (one query for its features' counts). The caller
stores the score, the reasons and the evidence with the comment (``save_evidence``).
"""

import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext_lazy as _

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


def score_features(by_key):
    """The model's verdict on features given as {key: feature}, or None if untrained."""
    counts, (spam_total, ham_total) = store.counts_for(list(by_key))
    if not spam_total or not ham_total:
        return None
    named = {by_key[key]: value for key, value in counts.items()}
    return classifier.score(by_key.values(), named, spam_total, ham_total)


def screen(*, body, author_name, author_email, author_url, ip_address, signals=None):
    """Rules and score for a new comment; ``RuleRefusal`` if a refusing rule matches."""
    match = rules.matching_rules(
        body=body,
        author_name=author_name,
        author_email=author_email,
        author_url=author_url,
        ip_address=ip_address,
    )
    if match.action == SpamRule.Action.REFUSE:
        raise RuleRefusal([r for r in match.rules if r.action == SpamRule.Action.REFUSE])
    screening = Screening(rule_action=match.action, rules=match.rules, reasons=match.reasons())
    if settings.COMMENTS_SPAM_FILTER_ENABLED:
        by_key = features_of(
            body=body,
            author_name=author_name,
            author_email=author_email,
            author_url=author_url,
            signals=signals or Signals(),
        )
        screening.feature_keys = sorted(by_key)
        verdict = score_features(by_key)
        if verdict is not None:
            screening.score = round(verdict.score, 4)
            named = spelled_out([feature for feature, _p in verdict.reasons], body)
            screening.reasons += [
                f"{name} ({p:.2f})"
                for name, (_feature, p) in zip(named, verdict.reasons, strict=True)
            ]
    return screening


def save_evidence(comment, screening):
    """Store the evidence of a just-saved comment, and count the rules' hits.

    The row is written in SQL: on every comment of the form, ``objects.create()`` cost ~0.4 ms
    of Python (``bench/reply_profile.py``), about as much as the rest of storing the verdict."""
    rules.record_hits(screening.rules)
    if screening.feature_keys:
        table = connection.ops.quote_name(SpamEvidence._meta.db_table)
        sql = f"INSERT INTO {table} (comment_id, features, learned) VALUES (%s, %s, %s)"  # noqa: S608 - a table name
        features = json.dumps(screening.feature_keys)
        with connection.cursor() as cursor:
            cursor.execute(sql, [comment.pk, features, SpamEvidence.Learned.NOTHING.value])
