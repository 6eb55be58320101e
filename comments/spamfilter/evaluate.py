"""Measuring the filter on comments it never saw, with a throwaway model in memory.

``evaluate(train=[…], stream=[…])`` trains a fresh model on the labelled comments of the
``train`` files, then walks the ``stream`` files in order: scores each comment, decides as
the site would (``COMMENTS_SPAM_THRESHOLD``, ``COMMENTS_HOLD_THRESHOLD``), then learns its
true label, as a moderator's decision would teach it. The site's own model is never read
or written. Files are CSV with the columns ``COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS``
(1 = spam, 0 = ham), the format of the YouTube Spam Collection.
"""

import csv
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from . import classifier
from .features import comment_features

COLUMNS = ("AUTHOR", "CONTENT", "CLASS")


class EvaluationError(ValueError):
    """A file that cannot be read as labelled comments."""


@dataclass
class Outcome:
    ham: int = 0
    spam: int = 0
    ham_to_spam: int = 0
    ham_held: int = 0
    spam_published: int = 0
    spam_caught: int = 0

    @staticmethod
    def _ratio(part, whole):
        return part / whole if whole else 0.0

    def line(self):
        """The command's last line, in the issue's exact format."""
        return (
            f"ham_to_spam={self._ratio(self.ham_to_spam, self.ham):.3f} "
            f"ham_held={self._ratio(self.ham_held, self.ham):.3f} "
            f"spam_published={self._ratio(self.spam_published, self.spam):.3f} "
            f"spam_caught={self._ratio(self.spam_caught, self.spam):.3f} "
            f"n={self.ham + self.spam}"
        )


def read_labelled(path):
    """[(author, text, is_spam)] of one CSV file; EvaluationError if it is not one."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise EvaluationError(
                    _("%(file)s: missing column(s) %(columns)s.")
                    % {"file": path, "columns": ", ".join(missing)}
                )
            rows = []
            for number, row in enumerate(reader, start=2):
                label = (row["CLASS"] or "").strip()
                if label not in ("0", "1"):
                    raise EvaluationError(
                        _("%(file)s, line %(line)d: CLASS must be 0 or 1, not %(value)r.")
                        % {"file": path, "line": number, "value": label}
                    )
                rows.append((row["AUTHOR"] or "", row["CONTENT"] or "", label == "1"))
            return rows
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise EvaluationError(_("%(file)s: %(error)s") % {"file": path, "error": error}) from None


class MemoryModel:
    """The same counts as the site's model, in a dict."""

    def __init__(self):
        self.counts = defaultdict(lambda: [0, 0])
        self.totals = [0, 0]

    def learn(self, features, is_spam):
        column = 0 if is_spam else 1
        self.totals[column] += 1
        for feature in features:
            self.counts[feature][column] += 1

    def score(self, features):
        if not all(self.totals):
            return None
        counts = {f: tuple(self.counts[f]) for f in features if f in self.counts}
        return classifier.score(features, counts, *self.totals).score


def decide(score):
    """ "spam", "hold" or "publish", as the write path decides on a score."""
    if score is not None and score >= settings.COMMENTS_SPAM_THRESHOLD:
        return "spam"
    if score is not None and score > settings.COMMENTS_HOLD_THRESHOLD:
        return "hold"
    return "publish"


def evaluate(*, train, stream):
    """Train on the ``train`` files, stream the ``stream`` files; an Outcome per stream file
    and one for all of them."""
    model = MemoryModel()
    for path in train:
        for author, text, is_spam in read_labelled(path):
            model.learn(comment_features(body=text, name=author), is_spam)
    total = Outcome()
    per_file = []
    for path in stream:
        outcome = Outcome()
        for author, text, is_spam in read_labelled(path):
            features = comment_features(body=text, name=author)
            decision = decide(model.score(features))
            for counted in (outcome, total):
                if is_spam:
                    counted.spam += 1
                    counted.spam_published += decision == "publish"
                    counted.spam_caught += decision == "spam"
                else:
                    counted.ham += 1
                    counted.ham_to_spam += decision == "spam"
                    counted.ham_held += decision == "hold"
            model.learn(features, is_spam)
        per_file.append((path, outcome))
    return per_file, total
