"""French or English: the language of a question, a query or a paragraph."""

from __future__ import annotations

import re

from indexer.text.fold import fold
from indexer.text.stopwords import function_words
from indexer.text.tokens import WORD

FRENCH_MARKS = re.compile(r"[àâçéèêëîïôùûüœ]", re.IGNORECASE)
# c', d', j', l', m', n', s', t': French only when elided ("women's", "bill C-36" are English)
ELIDED = frozenset("cdjlmnst")
APOSTROPHES = ("'", "’")


def detect_language(text: str, english_terms: int = 0) -> str:
    """``"en"`` when English function words outnumber French ones (an accented letter
    counts as two French words), else ``"fr"``.

    ``english_terms`` (the English domain phrases found in the text, see
    :meth:`indexer.lexicon.TermTranslator.translate`) decides a tie, so keyword queries
    such as "labour officials training" count as English. Acronyms are not function words
    ("UN" is no French article).
    """
    folded = [
        fold(m.group())
        for m in WORD.finditer(text)
        if (fold(m.group()) not in ELIDED or text[m.end() : m.end() + 1] in APOSTROPHES)
        and (len(m.group()) < 2 or not m.group().isupper())
    ]
    fr_words, en_words = function_words()
    fr = sum(w in fr_words for w in folded) + 2 * len(FRENCH_MARKS.findall(text))
    en = sum(w in en_words for w in folded)
    return "en" if en > fr or (en == fr and english_terms > 0) else "fr"
