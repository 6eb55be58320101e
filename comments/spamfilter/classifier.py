"""The filter's arithmetic: a naive Bayes over a comment's features, combined the way Gary
Robinson's "chi-square" method (as in SpamBayes) does, which keeps uncertain comments near
0.5 instead of forcing them to an extreme.

Pure functions over counts, so the same code scores against the site's model in PostgreSQL
and against the throwaway in-memory model of ``spamfilter evaluate``.
"""

import math
from dataclasses import dataclass

# Robinson's prior: a feature seen few times leans towards 0.5 with this strength (his s;
# 1.0 measured better than SpamBayes' 0.45 on held-out comments, see the README).
PRIOR_STRENGTH = 1.0
PRIOR = 0.5
# Features whose probability is closer to 0.5 than this say nothing and are ignored.
MIN_DISTANCE = 0.1
# Only the most telling features vote (SpamBayes' max_discriminators).
MAX_FEATURES = 150
# A word or word pair learned from a single comment is treated as unknown, as Paul Graham's
# filter treated rare words (below five sightings): one sighting is mostly chance, and in a
# short comment such a word alone would tip the score into the hold band. Domains, the
# author's fields and the behaviour signals count from their first sighting (a linked domain
# is the sender's choice, not chance).
MIN_TEXT_COUNT = 2
TEXT_PREFIXES = ("w:", "b:")
REASONS = 5


@dataclass(frozen=True)
class Verdict:
    score: float  # 0 (ham) .. 1 (spam); 0.5 when the model knows nothing
    reasons: list  # [(feature, probability)], the strongest first


def feature_probability(spam, ham, spam_total, ham_total):
    """Robinson's f(w): how spammy a feature seen ``spam``/``ham`` times is."""
    spam_ratio = spam / spam_total if spam_total else 0.0
    ham_ratio = ham / ham_total if ham_total else 0.0
    if spam_ratio + ham_ratio == 0:
        return PRIOR
    p = spam_ratio / (spam_ratio + ham_ratio)
    n = spam + ham
    return (PRIOR_STRENGTH * PRIOR + n * p) / (PRIOR_STRENGTH + n)


def _chi2_q(chi, df):
    """Probability that chi-square with ``df`` (even) degrees of freedom is >= ``chi``."""
    m = chi / 2.0
    term = total = math.exp(-m)
    for i in range(1, df // 2):
        term *= m / i
        total += term
    return min(total, 1.0)


def score(features, counts, spam_total, ham_total):
    """Score ``features`` (strings) given ``counts``: feature -> (spam, ham)."""
    if not spam_total or not ham_total:
        return Verdict(0.5, [])
    clues = []
    for feature in features:
        spam, ham = counts.get(feature, (0, 0))
        seen = spam + ham
        if seen == 0 or (seen < MIN_TEXT_COUNT and feature.startswith(TEXT_PREFIXES)):
            continue
        p = feature_probability(spam, ham, spam_total, ham_total)
        if abs(p - 0.5) >= MIN_DISTANCE:
            clues.append((abs(p - 0.5), feature, p))
    if not clues:
        return Verdict(0.5, [])
    clues.sort(reverse=True)
    clues = clues[:MAX_FEATURES]
    ln_spam = ln_ham = 0.0
    for _, _, p in clues:
        p = min(max(p, 1e-6), 1 - 1e-6)
        ln_spam += math.log(1 - p)
        ln_ham += math.log(p)
    n = len(clues)
    spam_evidence = 1 - _chi2_q(-2 * ln_spam, 2 * n)
    ham_evidence = 1 - _chi2_q(-2 * ln_ham, 2 * n)
    value = (1 + spam_evidence - ham_evidence) / 2
    return Verdict(value, [(feature, round(p, 3)) for _, feature, p in clues[:REASONS]])
