"""What the filter looks at in a comment: its features, as short strings, and their keys.

A comment's features are its normalised words and word pairs, the domains it links to (and
their registrable part), a few shapes of the text (length, shouting, repeated punctuation),
its author fields (the email's and website's domains, whether they are given) and behaviour
signals from the write path (a first-time email, how fast the form was sent). Each feature is
stored under a 63-bit key (``feature_key``): a BLAKE2b digest, so the counts table has one
fixed-size integer column to look up, whatever the feature.

Words are read as their first ``STEM`` letters (``stem``), so the forms of one word share their
counts ("subscribe", "subscribers", "subscribed" are all "subscri"), and a lone Latin letter
("u", the "m" and "v" of "M/V") is no word of its own; it stays in its word pairs.
"""

import hashlib
import html
import re
from dataclasses import dataclass

from .normalise import normalise, words

# Links as a reader's browser or a spammer writes them: schemes, "www.", and bare domains
# with a common top-level domain ("murdev.com").
URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*"
    r"\.(?:com|net|org|info|biz|ru|de|uk|co|io|me|tv|us|ly|gl|xyz|top|site|online|shop)\b"
    r"(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
HOST = re.compile(r"^(?:https?://)?([^/:?#\s]+)", re.IGNORECASE)
TAG = re.compile(r"<[^>]{0,200}>")
MAX_WORD = 30
# Prefix stemming: a word is read as its first STEM characters. Language-independent (no
# suffix list to keep per language) and measured with ``spamfilter evaluate`` (README).
STEM = 7


@dataclass(frozen=True)
class Signals:
    """Behaviour around a comment that only the write path knows (None: not known)."""

    first_time: bool | None = None  # the email has no approved comment yet
    seconds_to_post: float | None = None  # from the form being shown to it being sent


def domain_of(url):
    match = HOST.match(url.strip())
    if not match:
        return ""
    host = normalise(match.group(1)).strip(".")
    return host[4:] if host.startswith("www.") else host


def _registrable(host):
    parts = host.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else host


def _length_bucket(n):
    for limit in (20, 50, 100, 200, 500):
        if n < limit:
            return f"<{limit}"
    return "long"


def stem(word):
    """A word as the filter counts it: its first ``STEM`` characters."""
    return word[:STEM]


def _is_lone_letter(word):
    return len(word) == 1 and word.isascii() and word.isalpha()


def _read(body):
    """A comment's text as the filter reads it (tags out, entities decoded): ``(raw, text,
    words)``, ``text`` normalised, ``words`` those of at most ``MAX_WORD`` characters."""
    raw = html.unescape(TAG.sub(" ", body))
    text = normalise(raw)
    return raw, text, [word for word in words(text) if len(word) <= MAX_WORD]


def text_features(body):
    """Features of a comment's text (may hold HTML entities and tags, as imports do)."""
    raw, text, kept = _read(body)
    feats = set()
    tokens = [stem(w) for w in kept]
    for word in tokens:
        if word.isdigit():
            feats.add("w:<num>")
        elif not _is_lone_letter(word):
            feats.add("w:" + word)
    for first, second in zip(tokens, tokens[1:], strict=False):
        feats.add(f"b:{first} {second}")
    links = URL.findall(text)
    for link in links:
        host = domain_of(link)
        if host:
            feats.add("d:" + host)
            feats.add("d:" + _registrable(host))
    feats.add("links:" + (str(len(links)) if len(links) < 3 else "3+"))
    feats.add("len:" + _length_bucket(len(raw)))
    letters = [c for c in raw if c.isalpha()]
    if len(letters) >= 8 and sum(c.isupper() for c in letters) > 0.6 * len(letters):
        feats.add("shape:shouting")
    if "!!!" in raw or "???" in raw:
        feats.add("shape:repeated-punctuation")
    return feats


def spelled_out(features, body):
    """The word features (``w:``, ``b:``) of ``body`` with each stem written as the word the
    comment used it in (its first such word), so a moderator reads "w:subscribers", not
    "w:subscri". Other features stay as they are."""
    spellings = {}
    if any(feature.startswith(("w:", "b:")) for feature in features):
        for word in _read(body)[2]:
            spellings.setdefault(stem(word), word)
    readable = []
    for feature in features:
        kind, _, value = feature.partition(":")
        if kind in ("w", "b"):
            feature = kind + ":" + " ".join(spellings.get(part, part) for part in value.split(" "))
        readable.append(feature)
    return readable


def author_features(*, name="", email="", url=""):
    # The name itself is left out: names are personal, not spammy, and one spammer's name
    # would taint every namesake.
    feats = set()
    if email:
        feats.add("ed:" + normalise(email.rpartition("@")[2]))
    else:
        feats.add("author:no-email")
    if url:
        host = domain_of(url)
        feats.add("ud:" + host)
        feats.add("d:" + _registrable(host))
    else:
        feats.add("author:no-website")
    return feats


def signal_features(signals):
    feats = set()
    if signals.first_time is not None:
        feats.add("sig:first-time" if signals.first_time else "sig:known-email")
    if signals.seconds_to_post is not None:
        seconds = signals.seconds_to_post
        if seconds < 5:
            feats.add("sig:speed<5s")
        elif seconds < 30:
            feats.add("sig:speed<30s")
        else:
            feats.add("sig:speed-human")
    return feats


def comment_features(*, body, name="", email="", url="", signals=None):
    """Every feature of one comment, as a set of strings."""
    feats = text_features(body) | author_features(name=name, email=email, url=url)
    if signals is not None:
        feats |= signal_features(signals)
    return feats


def feature_key(feature):
    """The feature's key in the counts table: 63 bits of its BLAKE2b digest (never 0)."""
    digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
    return (int.from_bytes(digest, "big") >> 1) or 1
