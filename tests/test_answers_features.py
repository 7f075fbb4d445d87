"""Answer features on real candidates: what a pair's second sentence adds (``tail_novel``),
and the fragment/intro flags that tell an explanation from a heading for description
questions only."""

from __future__ import annotations

from service.answers.features import FEATURES, FRAGMENT
from service.engine import Engine

TAIL, NOVEL = FEATURES.index("tail_novel"), FEATURES.index("novel")
FRAGMENT_DESC, INTRO_DESC = FEATURES.index("fragment_desc"), FEATURES.index("intro_desc")


def scored(engine: Engine, question: str):
    query, hits = engine.searcher.batch_search([question], 10)[0]
    asked, found, _ = engine.answerer.scored(query, hits)
    assert found, question
    return asked, found


def test_a_pair_is_credited_with_what_its_second_sentence_adds(engine: Engine) -> None:
    _, found = scored(engine, "Que fait l'ASFC pour lutter contre la traite de personnes ?")
    singles = {(c.hit.passage.id, c.end): c for c in found if not c.pair and c.start >= 0}
    pairs = [c for c in found if c.pair and (c.hit.passage.id, c.end) in singles]
    assert pairs
    for c in pairs:
        last = singles[(c.hit.passage.id, c.end)]
        assert c.features[TAIL] == last.features[NOVEL]
        assert c.features[NOVEL] >= c.features[TAIL]  # the pair says at least as much
    for c in singles.values():
        assert c.features[TAIL] == c.features[NOVEL]


def test_fragments_and_intros_are_flagged_for_description_questions_only(engine: Engine) -> None:
    asked, found = scored(engine, "Que fait l'ASFC pour lutter contre la traite de personnes ?")
    assert asked.kind == "description"
    for c in found:
        assert c.features[FRAGMENT_DESC] == (len(c.text) < FRAGMENT)
        assert c.features[INTRO_DESC] == c.text.rstrip().endswith(":")
    assert any(c.features[FRAGMENT_DESC] for c in found)
    asked, found = scored(engine, "Combien de permis de séjour temporaire ont été délivrés ?")
    assert asked.kind == "number"
    assert not any(c.features[FRAGMENT_DESC] or c.features[INTRO_DESC] for c in found)
