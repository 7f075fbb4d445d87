"""The bilingual glossary and the English-to-French term translator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from indexer.lexicon import Glossary, GlossaryError, TermTranslator

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.load(CORPUS / "glossary.json")


@pytest.fixture(scope="module")
def translator() -> TermTranslator:
    return TermTranslator.load(CORPUS / "terms_en_fr.json")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("RCMP", "GRC"),
        ("rcmp", "GRC"),
        ("Royal Canadian Mounted Police", "GRC"),
        ("gendarmerie royale du canada", "GRC"),
        ("CBSA", "ASFC"),
        ("FINTRAC", "CANAFE"),
        ("Public Safety", "SP"),
        ("Public Safety Canada", "SP"),
        ("Global Affairs Canada", "AMC"),
        ("ESDC", "EDSC"),
        ("CIC", "IRCC"),
        ("Citizenship and Immigration Canada", "IRCC"),
        ("Statistics Canada", "StatCan"),
        ("Statistique Canada", "StatCan"),
        ("TFWP", "PTET"),
        ("ESDC (TFWP)", "EDSC (PTET)"),
        ("Labour Program", "EDSC (Programme du travail)"),
        ("HTNCC", "CNCTP"),
        ("Human Trafficking Taskforce", "GTTP"),
        ("temporary resident permit", "PST"),
        ("LMIA", "EIMT"),
        ("NGO", "ONG"),
        ("Emploi et Developpement social Canada", "EDSC"),  # accents are optional
    ],
)
def test_resolve(glossary: Glossary, name: str, code: str) -> None:
    assert glossary.resolve(name) == code


def test_resolve_unknown(glossary: Glossary) -> None:
    assert glossary.resolve("Ministry of Magic") is None


def test_get(glossary: Glossary) -> None:
    entry = glossary.get("GRC")
    assert entry is not None and entry.code_en == "RCMP" and entry.kind == "organisation"
    assert glossary.get("EDSC (PTET)").parent == "EDSC"
    assert glossary.get("RCMP") is None  # get() takes canonical codes only


def test_find_in_free_text(glossary: Glossary) -> None:
    text = (
        "The Royal Canadian Mounted Police (RCMP) and the GRC worked with l'ASFC, "
        "EDSC (PTET) and FINTRAC on temporary resident permits."
    )
    assert glossary.find(text) == ["GRC", "ASFC", "EDSC (PTET)", "CANAFE", "PST"]
    assert glossary.find(text, kinds={"organisation"}) == ["GRC", "ASFC", "EDSC (PTET)", "CANAFE"]


def test_find_longest_match_and_case(glossary: Glossary) -> None:
    assert glossary.find("EDSC (Programme du travail) et EDSC") == [
        "EDSC (Programme du travail)",
        "EDSC",
    ]
    assert glossary.find("le Centre national de coordination contre la traite de personnes") == [
        "CNCTP"
    ]
    assert glossary.find("grc, asfc") == []  # acronyms are case-sensitive
    assert glossary.find("SPECIAL GRCX ASFCs") == []  # whole words only
    assert glossary.find("citoyenneté et immigration canada") == ["IRCC"]


def test_display(glossary: Glossary) -> None:
    assert glossary.display("IRCC", "fr") == "IRCC (Immigration, Réfugiés et Citoyenneté Canada)"
    assert glossary.display("IRCC", "en") == "IRCC (Immigration, Refugees and Citizenship Canada)"
    assert glossary.display("GRC", "en") == "RCMP (Royal Canadian Mounted Police)"
    assert glossary.display("GRC", "fr") == "GRC (Gendarmerie royale du Canada)"
    assert glossary.display("StatCan", "en") == "StatCan (Statistics Canada)"
    assert glossary.display("Code criminel", "en") == "Criminal Code"
    assert glossary.display("UNKNOWN", "en") == "UNKNOWN"
    assert glossary.display("RCMP", "en", "short") == "RCMP (GRC)"
    assert glossary.display("GRC", "fr", "short") == "GRC"
    assert glossary.display("GRC", "fr", "name") == "Gendarmerie royale du Canada (GRC / RCMP)"
    assert glossary.display("GRC", "en", "name") == "Royal Canadian Mounted Police (RCMP / GRC)"
    assert glossary.display("IRCC", "en", "name") == (
        "Immigration, Refugees and Citizenship Canada (IRCC)"
    )
    assert glossary.display("GRC", "en", "answer") == (
        "RCMP (Royal Canadian Mounted Police; GRC in French)"
    )
    assert glossary.display("IRCC", "en", "answer") == (
        "IRCC (Immigration, Refugees and Citizenship Canada)"
    )
    assert glossary.display("GRC", "fr", "answer") == "GRC (Gendarmerie royale du Canada)"
    assert glossary.display("GRC", "fr+en") == (
        "GRC (Gendarmerie royale du Canada / Royal Canadian Mounted Police, RCMP)"
    )


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("SP JUS", ["SP", "JUS"]),
        ("AMC ASFC EDSC (PTET)", ["AMC", "ASFC", "EDSC (PTET)"]),
        ("SP GRC (en collaboration avec le GTTP)", ["SP", "GRC"]),
        ("SP (en consultation avec le GTTP)", ["SP"]),
        ("AMC et autres IRCC", ["AMC", "IRCC"]),
        ("Statistique Canada", ["StatCan"]),
        ("EDSC (Programme du travail) GRC", ["EDSC (Programme du travail)", "GRC"]),
        ("EDSC (Service Canada)", ["EDSC (Service Canada)"]),
        ("EDSC (PTET) IRCC (PMI)", ["EDSC (PTET)", "IRCC (PMI)"]),
        ("AMC (Développement)", ["AMC (Développement)"]),
        ("CFC AANC", ["CFC", "AANC"]),
        ("AMC SP GRC JUS", ["AMC", "SP", "GRC", "JUS"]),
        ("", []),
    ],
)
def test_split_responsible(glossary: Glossary, cell: str, codes: list[str]) -> None:
    assert glossary.split_responsible(cell) == codes


def test_corpus_acronyms_are_covered(glossary: Glossary) -> None:
    for code in ["PST", "EIMT", "OAR", "PAN", "MDN", "PPTC", "ASPC", "SPPC", "FPT", "LIPR",
                 "ONUDC", "CRDI", "MFM", "PARCLC", "FPSM", "OIM", "OSCE", "OIT", "OEA", "ANASE",
                 "IAWP", "SAP", "PTAS", "TET", "ACSEF", "UCIJG", "TP", "INTERPOL", "ONU",
                 "CCP", "CFRP", "TI", "CAS", "MADD", "LGBTQ", "UNICEF"]:  # fmt: skip
        assert glossary.get(code) is not None, code
    assert glossary.get("UCIJG").note  # uncertain expansion is flagged


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "glossary.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def entry(code: str, **extra: object) -> dict:
    names = {"name_fr": f"{code} fr", "name_en": f"{code} en"}
    return {"code": code, "kind": "organisation", **names, **extra}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "cannot read glossary"),
        ({"items": []}, "'entries' list"),
        ({"entries": [entry("A"), entry("A")]}, "duplicate code 'A'"),
        ({"entries": [{"code": "A", "kind": "organisation", "name_fr": "a"}]}, "name_en"),
        ({"entries": [entry("A", kind="person")]}, "unknown kind"),
        ({"entries": [entry("A", aliases=["X"]), entry("B", aliases=["x"])]}, "names both"),
        ({"entries": [entry("A", parent="Z")]}, "unknown parent"),
    ],
)
def test_malformed_glossary(tmp_path: Path, data: object, message: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(GlossaryError, match=message) as info:
        Glossary.load(path)
    assert str(path) in str(info.value)


def test_translate(translator: TermTranslator) -> None:
    assert translator.translate(
        "How many temporary resident permits were issued to victims of human trafficking?"
    ) == ["combien", "permis de séjour temporaire", "délivrés", "victimes", "traite de personnes"]
    assert translator.translate("Forced LABOR and forced labour") == ["travail forcé"]
    assert translator.translate("Which tasks are on hold?") == ["tâches", "en suspens"]
    assert translator.translate("nothing relevant") == []
    assert "victimes" not in translator.translate("victimsfund")  # whole words only


def test_terms_file_is_clean() -> None:
    terms = json.loads((CORPUS / "terms_en_fr.json").read_text(encoding="utf-8"))["terms"]
    assert len(terms) >= 150
    assert all(t["en"] == t["en"].lower() and t["fr"] == t["fr"].lower() for t in terms)
    assert sum(" " in t["en"] for t in terms) >= 100  # multi-word phrases are first-class


def test_malformed_terms(tmp_path: Path) -> None:
    path = tmp_path / "terms.json"
    path.write_text(json.dumps({"terms": [{"en": "a", "fr": "b"}, {"en": "A", "fr": "c"}]}))
    with pytest.raises(GlossaryError, match="duplicate English phrase") as info:
        TermTranslator.load(path)
    assert str(path) in str(info.value)
