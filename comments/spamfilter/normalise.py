"""One normal form for text that rules and the filter compare.

NFKC folds compatibility forms (fullwidth letters, ligatures, mathematical alphabets), casefold
ignores case, accents are stripped after decomposition, zero-width and other invisible
formatting characters are dropped, and the Cyrillic and Greek letters that look like Latin
ones are read as those (the common part of Unicode's confusables table, TR39), so "Ｖіаgrа",
"v\u200biagra" and "VIAGRA" all read "viagra".
"""

import re
import unicodedata

# Look-alikes of Latin letters, after casefolding (so lower case only).
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "з": "3", "і": "i", "ї": "i", "ј": "j",
        "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y",
        "х": "x", "ѕ": "s", "һ": "h", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "c",
        # Latin letters that pass for others
        "ı": "i", "ł": "l", "ø": "o", "ß": "ss", "đ": "d", "ħ": "h",
    }
)  # fmt: skip

# Characters that print nothing: zero-width space/joiners, word joiner, soft hyphen, BOM...
INVISIBLE_CATEGORIES = frozenset({"Cf", "Mn", "Me"})


def normalise(text):
    """``text`` in the form every rule and feature is matched in.

    ASCII text only needs lower case: no ASCII character changes under NFKC or NFKD, is
    invisible or a look-alike, and ``casefold`` is ``lower`` there. Most comments are ASCII,
    and the character-by-character pass was the largest part of screening a comment's CPU."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    text = "".join(c for c in text if unicodedata.category(c) not in INVISIBLE_CATEGORIES)
    return text.translate(CONFUSABLES)


WORD = re.compile(r"\w+(?:['’]\w+)*")


def words(text):
    """The words of already normalised text."""
    return WORD.findall(text)
