"""The type of answer a question expects, from its wording in French or English, and whether
it is a search-box keyword query rather than a question."""

from __future__ import annotations

import re

from indexer.text import fold

# "qui"/"who" asks only at the start of the question or of a clause ("Selon l'atelier, qui
# faudrait-il…", "à qui", "to whom"); after a noun it is a relative pronoun ("un patron qui
# maltraite…", "Canadians who know…") and asks nothing.
WHO = (
    r"(?:^|[,:;]\s*)(?:(?:a|par|de|pour|avec|aupres de|to|by|from|with|for)\s+)?"
    r"(?:qui|who|whom)\b"
)
# Checked in this order on the accent-folded, lower-cased question; the first match wins.
RULES: tuple[tuple[str, str], ...] = (
    (
        "status",
        r"\b(?:ou en est|ou en sont|quel est l'etat|quel est le statut|what is the status|"
        r"what's the status|status of|etat d'avancement)\b",
    ),
    (
        "organisation",
        r"\b(?:quel(?:le)?s? (?:ministere|organisme|organisation|agence|service|conseil|"
        r"instance|groupe|fonds|programme|organisations|organismes)|which (?:department|agency|"
        r"organi[sz]ations?|police service|body|group|fund|program(?:me)?|bodies)|what "
        r"(?:organi[sz]ation|department|agency|fund|program(?:me)?)|" + WHO + r".*\b(?:"
        r"responsables?|responsible|en charge|in charge|charge de|chargee? de|dirige|leads?)\b)",
    ),
    (
        "date",
        r"\b(?:quand|depuis quand|en quelle annee|quelle annee|a quelle date|quelle date|"
        r"depuis quelle date|quelle periode|when|since when|what year|which year|in what year|"
        r"what date|which date|what period)\b",
    ),
    (
        "number",
        r"\b(?:combien|quel montant|quelle somme|quel nombre|quel age|quelle part|"
        r"quel pourcentage|how many|how much|what amount|what is the amount|how old|"
        r"what percentage|what share|which age|quelle tranche d'age|what age)\b",
    ),
    (
        "place",
        r"(?:^(?:ou|d'ou)\b|\bwhere\b|quelle ville|quelle province|quels pays|quel pays|"
        r"which city|which province|which country|which countries|which regions?|"
        r"what regions?|in which (?:city|province|country|region)|quelles? regions?)",
    ),
    ("person", WHO),
    (
        "list",
        r"\b(?:quels sont|quelles sont|quels|quelles|which (?:two|three|four|five|six)|"
        r"name the|list (?:the)?|what are the)\b",
    ),
)
QUESTION_WORDS = re.compile(
    r"\b(?:qui|que|quoi|quel|quelle|quels|quelles|quand|combien|comment|pourquoi|ou|est-ce|"
    r"who|what|which|when|where|why|how|does|did|is|are|can|will|has|have|was|were)\b"
)
KEYWORD_MAX_WORDS = 6
NAMED = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+")  # "Who is Michael Holmes": asks what, not who


def expected_type(question: str) -> str:
    """One of ``status`` (of an Annex A deliverable), ``number``, ``date``, ``person``,
    ``organisation``, ``place``, ``list`` or ``description`` (the default: what, why, how,
    yes/no)."""
    folded = fold(question).replace("’", "'")
    for name, pattern in RULES:
        if re.search(pattern, folded):
            return "description" if name == "person" and NAMED.search(question) else name
    return "description"


def is_keyword_query(text: str) -> bool:
    """A few words typed in a search box: no question mark, no question word, short."""
    folded = fold(text)
    words = re.findall(r"[\w'-]+", folded)
    return (
        "?" not in text
        and len(words) <= KEYWORD_MAX_WORDS
        and QUESTION_WORDS.search(folded) is None
    )
