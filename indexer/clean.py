"""Text cleaning for the two corpus layouts: OCR repair, reflow, markdown stripping.

Every OCR repair is a named :class:`Rule` in :data:`OCR_RULES`, applied in order. Each rule
fires only where the context makes the fix certain, so correct French passes through
unchanged. Word-level fixes live in ``data/ocr_words.json`` rather than in code.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, NamedTuple

from indexer.resources import package_json
from indexer.text import detect_language

APOS = "['’]"
VOWEL = "[aeiouyhàâäéèêëîïôöùûüœAEIOUYHÀÂÄÉÈÊËÎÏÔÖÙÛÜŒ]"
LETTER = r"[^\W\d_]"


class Rule(NamedTuple):
    """One OCR repair: a name (used in statistics), a compiled pattern and its replacement."""

    name: str
    pattern: re.Pattern[str]
    repl: str | Callable[[re.Match[str]], str]


@cache
def ocr_data() -> dict[str, Any]:
    """The word lists of ``data/ocr_words.json`` (loaded once)."""
    return package_json("indexer", "data/ocr_words.json")


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _alternation(items: Iterable[str], capitalised: bool = False) -> str:
    """Regex alternation of ``items`` (longest first), optionally with capitalised variants."""
    forms = set(items) | ({_cap(i) for i in items} if capitalised else set())
    escaped = (re.escape(f).replace("'", APOS) for f in sorted(forms, key=len, reverse=True))
    return "|".join(escaped)


def _lookup_rule(name: str, mapping: dict[str, str]) -> Rule:
    """Whole-word replacement from ``mapping``; an initial capital carries over to the fix."""
    table = {k.replace("’", "'"): v for k, v in mapping.items()}
    table.update({_cap(k): _cap(v) for k, v in list(table.items())})
    pattern = re.compile(rf"(?<!\w)(?:{_alternation(table, capitalised=True)})(?!\w)")
    return Rule(name, pattern, lambda m: table[m.group(0).replace("’", "'")])


def _fix_a(match: re.Match[str]) -> str:
    """Accent ``a`` when it is certainly the preposition ``à`` and not the verb ``avoir``."""
    before = match.string[max(0, match.start() - 40) : match.start()]
    after = match.string[match.end() + 1 :]
    if _A_SUBJECT.search(before):
        return "a"
    return "à" if _A_NEXT.match(after) or _A_GOVERNOR.search(before) else "a"


_DATA = ocr_data()
_NOT_INF = rf"(?!(?:{_alternation(_DATA['infinitive_stoplist'])})(?!\w))"
_INF = rf"{_NOT_INF}[a-zéèêàâîôûç]\w*(?:er|ir|re)(?!\w)"  # an infinitive-looking word
_A_SUBJECT = re.compile(rf"(?<!\w)(?:{_alternation(_DATA['a_subjects'], True)}) $")
_A_GOVERNOR = re.compile(rf"(?<!\w)(?:{_alternation(_DATA['a_governors'])}) $")
_A_NEXT = re.compile(
    rf"(?:la |l{APOS})(?!\w+ d(?:e |{APOS}){_INF})"  # à la, à l' (not "a l'intention de faire")
    rf"|(?:{_alternation(_DATA['a_following'])}|{_alternation(_DATA['a_places'])})(?!\w)"
    rf"|s{APOS}\w|se \w|(?:les )?{_INF}"  # reflexive or bare infinitive: "à s'engager"
)
_OU = (
    rf"(?<!\w)({_alternation(_DATA['ou_antecedents'])}) ou "
    rf"(?=(?:{_alternation(_DATA['ou_subjects'])})(?!\w))"
)
_ORDINAL_NOUNS = "année|siècle|étage|rang|édition|anniversaire|conférence|chapitre"

OCR_RULES: list[Rule] = [
    Rule("double_apostrophe", re.compile(rf"(?<=\w)({APOS}){APOS}(?=\w)"), r"\1"),
    Rule("I_quote_to_l", re.compile(rf'(?<!\w)[I|]"(?={VOWEL})'), "l'"),
    Rule("quote_in_elision", re.compile(rf'(?<=(?<!\w)[dlnmstjcDLNMSTJC])"(?={VOWEL})'), "'"),
    Rule("I_apostrophe_to_l", re.compile(rf"(?<!\w)[I|](?={APOS}{VOWEL})"), "l"),
    Rule("pipe_l_to_Il", re.compile(r"(?<!\S)\|l(?= )"), "Il"),
    Rule("Il_apostrophe_y", re.compile(rf"(?<!\w)(I)l{APOS}y(?= a(?!\w))"), r"\1l y"),
    Rule("lly_to_Il_y", re.compile(r"(?<!\w)lly(?= a(?!\w))"), "Il y"),
    Rule(
        "gu_to_qu",
        re.compile(rf"(?<!\w)([gG])u(?={APOS}{VOWEL})"),
        lambda m: "qQ"[m[1] == "G"] + "u",
    ),
    _lookup_rule("word_list", _DATA["words"]),
    _lookup_rule("phrase_list", _DATA["phrases"]),
    Rule(
        "footnote_quote_after_year",  # only an unpaired quote: a paired one closes a quotation
        re.compile(r'(?<=\d{4})"(?=[\s.,;:)]|$)'),
        lambda m: "" if m.string.count('"') % 2 else '"',
    ),
    Rule("footnote_degree_after_year", re.compile(r"(?<=(?<!\d)\d{4})°"), ""),
    Rule("footnote_registered_after_word", re.compile(r"(?<=[a-zà-ÿ]{2})®"), ""),
    Rule("footnote_star_before_colon", re.compile(r"(?<=\w) \*(?=:)"), " "),
    Rule(
        "ordinal_degree_to_e", re.compile(rf"(?<!\w)(\d{{1,2}})°(?= (?:{_ORDINAL_NOUNS}))"), r"\1e"
    ),
    Rule(
        "dollar_S", re.compile(r"(?<!\d)(\d{1,3}(?:[ \u00a0\u202f]\d{3})+) S(?![\w'’-])"), r"\1 $"
    ),
    Rule("c_a_d", re.compile(r"(?<!\w)c\.-a-d\."), "c.-à-d."),
    Rule("jusqu_a", re.compile(rf"(?<!\w)([Jj]usqu{APOS})a(?!\w)"), r"\1à"),
    Rule("a_number_range", re.compile(r"(?<!\w)(de \d+) a (?=\d+(?!\w))"), r"\1 à "),
    Rule("a_preposition", re.compile(rf"(?:(?<![\w'’.\-])|(?<=(?<!\w)[Qq]u{APOS}))a(?= )"), _fix_a),
    Rule(
        "A_capital_preposition",
        re.compile(
            rf"(?:^|(?<=[.!?] ))A(?= (?:la|cette|ce|cet|ces|chaque|partir|titre)(?!\w)| l{APOS})"
        ),
        "À",
    ),
    Rule("ou_to_where", re.compile(_OU), r"\1 où "),
]


def _apply(rule: Rule, text: str, stats: Counter[str] | None) -> str:
    def repl(match: re.Match[str]) -> str:
        new = rule.repl(match) if callable(rule.repl) else match.expand(rule.repl)
        if stats is not None and new != match.group(0):
            stats[rule.name] += 1
        return new

    return rule.pattern.sub(repl, text)


def clean_ocr(text: str, *, stats: Counter[str] | None = None) -> str:
    """Repair OCR artifacts in one reflowed paragraph; English paragraphs are left alone.

    Rules are applied in :data:`OCR_RULES` order until nothing changes; ``stats`` (if given)
    counts the replacements each rule makes.
    """
    if detect_language(text) == "en":
        return text
    for _ in range(10):
        previous = text
        for rule in OCR_RULES:
            text = _apply(rule, text, stats)
        if text == previous:
            break
    return text


_HYPHENS = "-\u2010\u00ad"
_COMPOUND_FIRST = frozenset(_DATA["hyphen_compound_first"])
_COMPOUND_LAST = frozenset(_DATA["hyphen_compound_last"])


def _join_hyphen(left: str, right: str) -> str:
    """Join ``left`` (ending in a hyphen) with the next line ``right``."""
    stem = left[:-1]
    if left[-1] == "\u00ad":  # a soft hyphen only ever marks a line break
        return stem + right
    fragment = re.search(r"[\w.]+$", stem)
    first = fragment.group(0).lower() if fragment else ""
    next_word = re.match(r"\w*", right).group(0).lower()
    split_word = (
        first.isalpha()
        and right[:1].islower()
        and first not in _COMPOUND_FIRST
        and next_word not in _COMPOUND_LAST
    )
    return stem + right if split_word else f"{stem}-{right}"


def reflow(lines: list[str]) -> str:
    """Join the hard-wrapped lines of one OCR paragraph into a single line.

    A hyphen ending a line is dropped when it only split a word (``dé-`` + ``veloppement``);
    it is kept, without a space, for compounds (``sous-`` + ``comité``, ``C.-`` + ``B.``),
    before a capital or a digit (``Colombie-`` + ``Britannique``, ``2012-`` + ``2013``).
    """
    text = ""
    for line in (" ".join(raw.split()) for raw in lines):
        if not line:
            continue
        if len(text) > 1 and text[-1] in _HYPHENS and (text[-2].isalnum() or text[-2] == "."):
            text = _join_hyphen(text, line)
        else:
            text = f"{text} {line}" if text else line
    return text


_MD_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"<((?:https?|ftp)://[^<>\s]+|www\.[^<>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"</?(?:i|b|em|strong|span|sup|sub|a|u)\b[^<>]*>", re.IGNORECASE), ""),
    (re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>"), " "),  # block tags: ul, li, br…
    (re.compile(r"(?<![\w*\\])\*+(?=[^\s*])|(?<=[^\s*\\])\*+(?![\w*])"), ""),  # emphasis
    (re.compile(r"\^\{([^{}]*)\}"), r"\1"),  # 1^{er}
    (re.compile(r"\^(?=\w)"), ""),  # 52^e
    (re.compile(r"\\([`_\[\]()#+\-.!$|])"), r"\1"),  # \$ and other escapes
]


_HSPACE = re.compile(r"[^\S\n]+")


def _squeeze(text: str) -> str:
    """Collapse horizontal whitespace per line; a run holding a tab (table column) stays a tab."""
    lines = (_HSPACE.sub(lambda m: "\t" if "\t" in m[0] else " ", ln) for ln in text.split("\n"))
    return "\n".join(line.strip(" ") for line in lines)


def strip_markdown(text: str) -> str:
    """Markdown/HTML markup removed from ``text``: emphasis, ``^{er}``, escapes, autolinks, tags.

    List dashes and asterisks inside words or numbers are kept; line breaks are kept.
    """
    while True:  # a changing pass shortens the text or evens its spaces: this ends, idempotent
        previous = text
        for pattern, repl in _MD_RULES:
            text = pattern.sub(repl, text)
        text = _squeeze(text)
        if text == previous:
            return text


def normalize_space(text: str) -> str:
    """One line: line breaks and space runs become one space, tab runs one tab.

    Spaces are trimmed at both ends; tabs are kept, as they separate the cells of a table row.
    """
    return _squeeze(" ".join(text.splitlines())).strip(" ")


def clean_markdown(text: str) -> str:
    """A markdown paragraph as plain single-line text."""
    return normalize_space(strip_markdown(text))


def clean_paragraph(text: str, kind: str) -> str:
    """Clean one paragraph of a document of layout ``kind`` (``"ocr"`` or ``"markdown"``)."""
    if kind == "ocr":
        return clean_ocr(text)
    if kind == "markdown":
        return clean_markdown(text)
    raise ValueError(f"unknown document kind: {kind!r}")


_BULLET = re.compile(rf"^\s*(?:[-•◦▪]\s+(?=\S)|[eo®©]\s+(?={LETTER}|[«\"'’]))")


def split_bullet(text: str) -> tuple[bool, str]:
    """``(True, rest)`` when ``text`` opens with a list bullet, else ``(False, text)``.

    Bullets: ``-``, ``•``, ``◦``, ``▪``, and the OCR renderings ``e``, ``o``, ``®``, ``©`` of a
    round bullet when a word follows.
    """
    match = _BULLET.match(text)
    return (True, text[match.end() :]) if match else (False, text)
