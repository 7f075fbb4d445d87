"""The text layer shared by indexer, service and eval: fold, tokens, sentences, language."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from indexer.text import (
    detect_language,
    fold,
    fold_with_offsets,
    function_words,
    split_sentences,
    stopwords,
    tokenize,
)


def test_fold() -> None:
    assert fold("Mise en Œuvre À L'ÉCHELLE") == "mise en oeuvre a l'echelle"
    assert fold("cæcum, problème, garçons") == "caecum, probleme, garcons"
    assert fold("main-d’œuvre") == "main-d'oeuvre"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_fold_offsets_point_back_into_the_text(text: str) -> None:
    folded, offsets = fold_with_offsets(text)
    assert folded == fold(text) and len(offsets) == len(folded) + 1
    assert offsets == sorted(offsets) and offsets[-1] == len(text)
    for start in range(len(folded)):
        source = text[offsets[start] : offsets[start] + 1]
        assert folded[start] in fold(source)


def test_tokens_are_folded_stemmed_and_free_of_stop_words() -> None:
    assert tokenize("Les victimes de la traite, l’atelier 2012-2013 et la tâche 2.13") == [
        "victim",
        "trait",
        "ateli",
        "2012-2013",
        "tach",
        "2.13",
    ]
    assert "les" in stopwords() and "the" in stopwords()


def test_function_words_tell_the_languages_apart() -> None:
    french, english = function_words()
    assert "les" in french and "the" in english and not french & english


def test_language() -> None:
    assert detect_language("Quelles sont les tâches de la GRC ?") == "fr"
    assert detect_language("Which tasks does the RCMP lead?") == "en"
    assert detect_language("RCMP youth strategy") == "fr"
    assert detect_language("RCMP youth strategy", english_terms=1) == "en"


def test_sentences_end_at_a_capital_or_a_line_break() -> None:
    text = "Le PAN a été lancé en 2012. Il compte quatre piliers : prévention et protection.\nFin"
    assert split_sentences(text) == [
        "Le PAN a été lancé en 2012.",
        "Il compte quatre piliers : prévention et protection.",
    ]
    assert split_sentences(text, min_chars=3) == [*split_sentences(text), "Fin"]
