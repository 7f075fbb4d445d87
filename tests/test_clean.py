"""Tests for indexer.clean, mostly on real lines of the two corpus files."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.clean import (
    OCR_RULES,
    clean_markdown,
    clean_ocr,
    clean_paragraph,
    reflow,
    split_bullet,
    strip_markdown,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
OCR_FILE = CORPUS / "rapport-sommaire-atelier-2015.txt"
MD_FILE = CORPUS / "plan-action-national-rapport-2014-2015.md"


def ocr_paragraphs() -> list[str]:
    """Blank-line separated paragraphs of the OCR report, reflowed."""
    text = OCR_FILE.read_text(encoding="utf-8")
    return [reflow(block.split("\n")) for block in re.split(r"\n\s*\n", text) if block.strip()]


def cleaned(text: str) -> tuple[str, Counter[str]]:
    stats: Counter[str] = Counter()
    return clean_ocr(text, stats=stats), stats


# --- one test per OCR rule, on real lines of the OCR report ----------------------------

RULE_CASES = [
    (
        "double_apostrophe",
        "3.2.3 Absence de recherches et d’'un calendrier de recherche",
        "3.2.3 Absence de recherches et d’un calendrier de recherche",
    ),
    (
        "I_quote_to_l",
        'I"avance les besoins en prestation de service.',
        "l'avance les besoins en prestation de service.",
    ),
    (
        "I_quote_to_l",
        '|"avant proposant des cours sur la traite de personnes s’adressant aux juges et avocats',
        "l'avant proposant des cours sur la traite de personnes s’adressant aux juges et avocats",
    ),
    (
        "I_apostrophe_to_l",
        "Sécurité publique Canada (SP) souhaite profiter de I'occasion pour remercier les "
        "personnes et les",
        "Sécurité publique Canada (SP) souhaite profiter de l'occasion pour remercier les "
        "personnes et les",
    ),
    (
        "I_apostrophe_to_l",
        "conclusions et les recommandations découlant de |'atelier de mars 2015 sur la traite "
        "de personnes.",
        "conclusions et les recommandations découlant de l'atelier de mars 2015 sur la traite "
        "de personnes.",
    ),
    (
        "I_apostrophe_to_l",
        "I’Etat saisit des actifs, certains pourraient servir a indemniser les victimes.",
        "l’État saisit des actifs, certains pourraient servir à indemniser les victimes.",
    ),
    (
        "pipe_l_to_Il",
        "gouvernementaux. |l reste beaucoup de travail a faire concernant la formation et la "
        "sensibilisation aupreés",
        "gouvernementaux. Il reste beaucoup de travail à faire concernant la formation et la "
        "sensibilisation auprès",
    ),
    (
        "Il_apostrophe_y",
        "Il'y a un manque de consensus entre les intervenants dans le domaine de la traite de "
        "personnes pour ce qui",
        "Il y a un manque de consensus entre les intervenants dans le domaine de la traite de "
        "personnes pour ce qui",
    ),
    (
        "lly_to_Il_y",
        "Recommandations : Il faut veiller a créer un cadre de travail partagé en matiere de "
        "recherche. lly a un",
        "Recommandations : Il faut veiller à créer un cadre de travail partagé en matière de "
        "recherche. Il y a un",
    ),
    (
        "gu_to_qu",
        "gu’elle soit plus inclusive en vue d’améliorer I'efficacité et I'application des lois "
        "et des services ainsi",
        "qu’elle soit plus inclusive en vue d’améliorer l'efficacité et l'application des lois "
        "et des services ainsi",
    ),
    (
        "gu_to_qu",
        "gu’empécher I'ostracisme de certaines victimes et survivantes (p. ex. I'usage des "
        "pronoms dans la",
        "qu’empêcher l'ostracisme de certaines victimes et survivantes (p. ex. l'usage des "
        "pronoms dans la",
    ),
    (
        "word_list",
        "aussi les probléemes émergents et les occasions favorables. De plus, I'atelier visait "
        "a entretenir et a",
        "aussi les problèmes émergents et les occasions favorables. De plus, l'atelier visait "
        "à entretenir et a",
    ),
    (
        "word_list",
        "3.2.1 Lacollecte de données et amélioration de la méthodologie",
        "3.2.1 La collecte de données et amélioration de la méthodologie",
    ),
    (
        "word_list",
        "e unsondage en ligne a I’échelle nationale;",
        "e un sondage en ligne à l’échelle nationale;",
    ),
    ("word_list", "2 Apercu et objectif", "2 Aperçu et objectif"),
    (
        "word_list",
        "encourager a faire du bénévolat dans des organismes ceuvrant dans le domaine de la "
        "traite de personnes :",
        "encourager à faire du bénévolat dans des organismes œuvrant dans le domaine de la "
        "traite de personnes :",
    ),
    (
        "word_list",
        "provinciale, mais plutét en accordant aux victimes I'argent qui leur a été spolié par "
        "victimisation). Lorsque",
        "provinciale, mais plutôt en accordant aux victimes l'argent qui leur a été spolié par "
        "victimisation). Lorsque",
    ),
    (
        "word_list",
        "o Etablir des liens entre CIC Edmonton et Deborah’s Gate.",
        "o Établir des liens entre CIC Edmonton et Deborah’s Gate.",
    ),
    (
        "word_list",
        "la détermination des co(ts de la traite de personnes et de I'exploitation sexuelle et "
        "le retour sur",
        "la détermination des coûts de la traite de personnes et de l'exploitation sexuelle et "
        "le retour sur",
    ),
    (
        "phrase_list",
        "discussions qui ont eu lieu vont documenter les priorités fédérales au moment ol le "
        "gouvernement fédéral",
        "discussions qui ont eu lieu vont documenter les priorités fédérales au moment où le "
        "gouvernement fédéral",
    ),
    (
        "phrase_list",
        "investissement et les colts de la violence (traite de personnes axée sur "
        "I'exploitation sexuelle).",
        "investissement et les coûts de la violence (traite de personnes axée sur "
        "l'exploitation sexuelle).",
    ),
    (
        "phrase_list",
        "un mangue de conscience du fait que la traite de personnes a des fins d’exploitation "
        "sexuelle est d’actualité",
        "un manque de conscience du fait que la traite de personnes à des fins d’exploitation "
        "sexuelle est d’actualité",
    ),
    (
        "phrase_list",
        "personnes des le début. Par exemple, établir des reéglements administratifs municipaux "
        "clés et en matiere",
        "personnes dès le début. Par exemple, établir des règlements administratifs municipaux "
        "clés et en matière",
    ),
    (
        "phrase_list",
        "le role de champion et I'étude des possibilités axées sur la mise sur pied d’une "
        "association nationale qui se",
        "le rôle de champion et l'étude des possibilités axées sur la mise sur pied d’une "
        "association nationale qui se",
    ),
    (
        "footnote_quote_after_year",
        "relativement au PAN qui comprennent le Rapport annuel sur les progrés accomplis "
        '2012-2013" publié en',
        "relativement au PAN qui comprennent le Rapport annuel sur les progrès accomplis "
        "2012-2013 publié en",
    ),
    (
        "footnote_degree_after_year",
        "décembre 2013, et le Rapport annuel sur les progrés accomplis 2013-2014° publié en mai "
        "2015, parle des",
        "décembre 2013, et le Rapport annuel sur les progrès accomplis 2013-2014 publié en mai "
        "2015, parle des",
    ),
    (
        "footnote_registered_after_word",
        "Le Rapport sommaire sur I'atelier 2015 sur la traite de personnes® résume les thémes, "
        "les principales",
        "Le Rapport sommaire sur l'atelier 2015 sur la traite de personnes résume les thèmes, "
        "les principales",
    ),
    (
        "footnote_star_before_colon",
        "progrés que le gouvernement du Canada a réalisés dans les quatre piliers de la "
        "démarche *: la prévention",
        "progrès que le gouvernement du Canada a réalisés dans les quatre piliers de la "
        "démarche : la prévention",
    ),
    (
        "ordinal_degree_to_e",
        "ou les jeunes s’adressent aux jeunes et qui vise les jeunes de la 5° année a la 12° "
        "année. Les secteurs a",
        "ou les jeunes s’adressent aux jeunes et qui vise les jeunes de la 5e année à la 12e "
        "année. Les secteurs a",
    ),
    (
        "dollar_S",
        "e une recherche commanditée et des subventions totalisant 800 000 S.",
        "e une recherche commanditée et des subventions totalisant 800 000 $.",
    ),
    (
        "c_a_d",
        "facteurs (c.-a-d. les facteurs de risque) entrant en ligne de compte dans la traite "
        "de personnes.",
        "facteurs (c.-à-d. les facteurs de risque) entrant en ligne de compte dans la traite "
        "de personnes.",
    ),
    (
        "jusqu_a",
        "e Fournira jusgqu’a 500 000 $ annuellement (un financement qui a commencé en "
        "2013-2014) pour",
        "e Fournira jusqu’à 500 000 $ annuellement (un financement qui a commencé en "
        "2013-2014) pour",
    ),
    (
        "a_number_range",
        "Examiner les options afin de rendre obligatoire pour les jeunes (de 12 a 18 ans) la "
        "participation a des",
        "Examiner les options afin de rendre obligatoire pour les jeunes (de 12 à 18 ans) la "
        "participation a des",  # "participation a des travaux": left alone, ambiguous
    ),
    (
        "a_preposition",
        "organisations qui ont participé a I’atelier sur la traite de personnes, d’une durée "
        "de deux jours, de leur",
        "organisations qui ont participé à l’atelier sur la traite de personnes, d’une durée "
        "de deux jours, de leur",
    ),
    (
        "a_preposition",
        "dévouement a la lutte contre cette activité illégale tant au Canada qu’a I'étranger. "
        "La collaboration, les",
        "dévouement à la lutte contre cette activité illégale tant au Canada qu’à l'étranger. "
        "La collaboration, les",
    ),
    (
        "a_preposition",
        "fournisseurs de services mobilisés dans la lutte contre la traite de personnes ont "
        "rencontré a Ottawa des",
        "fournisseurs de services mobilisés dans la lutte contre la traite de personnes ont "
        "rencontré à Ottawa des",
    ),
    (
        "a_preposition",
        "de travail national sur la traite des femmes et des filles a des fins sexuelles au "
        "Canada intitulé « C’'est assez,",
        "de travail national sur la traite des femmes et des filles à des fins sexuelles au "
        "Canada intitulé « C’est assez,",
    ),
    (
        "a_preposition",
        "central discernable pour aider les gens a progresser a travers les systemes. Une "
        "tendance s’est dessinée, a",
        "central discernable pour aider les gens à progresser à travers les systèmes. Une "
        "tendance s’est dessinée, a",
    ),
    (
        "a_preposition",
        "e Continuera a s’engager auprées de la communauté se consacrant a la traite de "
        "personnes par le",
        "e Continuera à s’engager auprès de la communauté se consacrant à la traite de "
        "personnes par le",
    ),
    (
        "a_preposition",
        "au processus de PST ou bien parce qu’un trafiquant a forcé une victime a se plier a "
        "des conditions",
        "au processus de PST ou bien parce qu’un trafiquant a forcé une victime à se plier à "
        "des conditions",
    ),
    (
        "a_preposition",
        "la question de I'exploitation sexuelle. Il a pour but de participer a une recherche "
        "en vue de collecter des",
        "la question de l'exploitation sexuelle. Il a pour but de participer à une recherche "
        "en vue de collecter des",
    ),
    (
        "A_capital_preposition",
        "A I’avenir, pour la période 2014-2015, le gouvernement du Canada :",
        "À l’avenir, pour la période 2014-2015, le gouvernement du Canada :",
    ),
    (
        "A_capital_preposition",
        "A cette fin, depuis 'automne 2012, SP a mené un certain nombre de consultations "
        "auprés d’intervenants",
        "À cette fin, depuis l'automne 2012, SP a mené un certain nombre de consultations "
        "auprès d’intervenants",
    ),
    (
        "A_capital_preposition",
        "A la conclusion de I'atelier, il s’est profilé un fort intérét pour faire avancer les "
        "choses et il a été relevé qu'il",
        "À la conclusion de l'atelier, il s’est profilé un fort intérêt pour faire avancer les "
        "choses et il a été relevé qu'il",
    ),
    (
        "ou_to_where",
        "homogenes, a I'échelle nationale, indépendamment du lieu ou ils se trouvent. Par "
        "ailleurs, il faut",
        "homogènes, à l'échelle nationale, indépendamment du lieu où ils se trouvent. Par "
        "ailleurs, il faut",
    ),
]


@pytest.mark.parametrize(("rule", "line", "expected"), RULE_CASES)
def test_ocr_rule_on_real_line(rule: str, line: str, expected: str) -> None:
    result, stats = cleaned(line)
    assert result == expected
    assert stats[rule] >= 1


def test_every_rule_is_tested() -> None:
    tested = {case[0] for case in RULE_CASES} | {"quote_in_elision"}
    assert tested == {rule.name for rule in OCR_RULES}


def test_quote_in_elision() -> None:  # no occurrence in the corpus: a constructed line
    assert clean_ocr('la création d"un réseau') == "la création d'un réseau"


def test_reflowed_ocr_paragraph_across_line_break() -> None:
    lines = [
        "Children of the street en Colombie-Britannique a également été souligné. "
        "Il s’agit d’'un programme modéle",
        "ou les jeunes s’adressent aux jeunes et qui vise les jeunes de la 5° année a la 12° "
        "année. Les secteurs a",
        "cibler seraient les suivants : des stratégies de prévention ciblant particulierement "
        "les jeunes a risque; le",
    ]
    assert clean_ocr(reflow(lines)) == (
        "Children of the street en Colombie-Britannique a également été souligné. Il s’agit "
        "d’un programme modèle où les jeunes s’adressent aux jeunes et qui vise les jeunes de "
        "la 5e année à la 12e année. Les secteurs à cibler seraient les suivants : des "
        "stratégies de prévention ciblant particulièrement les jeunes à risque; le"
    )


# --- correct French is left alone ------------------------------------------------------

CORRECT_FRENCH = [
    "Il couvre la période allant du 1er avril 2014 au 31 mars 2015, et suit le format des "
    "précédentes versions du rapport annuel afin d'assurer l'uniformité et de souligner la "
    "continuité dans la mise en œuvre d'une année à l'autre.",
    "Cette campagne, pour laquelle de jeunes Autochtones de différentes régions du Canada ont "
    "conçu quatre messages d'intérêt public sur la lutte contre la traite de personnes, a été "
    "lancée à l'échelle du pays⁵.",
    "Rendre accessible à quiconque a un permis de travail, par exemple les travailleurs "
    "étrangers temporaires et les étudiants internationaux, de l'information indiquant où ils "
    "peuvent trouver de l'aide à propos de questions liées à l'emploi, à la santé et à la "
    "sécurité.",
    "En tirant parti des ressources internationales disponibles, notamment des agents de "
    "liaison, l'ASFC collaborera avec des organisations internationales ayant des vues "
    "similaires afin d'aborder le problème de la traite de personnes.",
    "Le projet COMBATIVE a eu les résultats suivants :",
    "Au Canada, ce crime a autant de chance d'être orchestré par des réseaux criminels "
    "organisés que par des individus ou des familles opportunistes.",
    "Il a la responsabilité de coordonner les efforts, et elle a l'intention d'agir.",
    "La GRC a la responsabilité de mener les enquêtes; le Canada a l'intention de renforcer "
    "la collaboration.",
    "Il y a la question des ressources. Qui a la charge du dossier? On a encore beaucoup à faire.",
    "Le ministère a quatre priorités et a entre les mains un rapport où il a noté les progrès.",
    "À la conclusion de l'atelier, les problèmes, les systèmes et les thèmes ont été résumés.",
]


@pytest.mark.parametrize("text", CORRECT_FRENCH)
def test_correct_french_is_unchanged(text: str) -> None:
    assert clean_ocr(text) == text


# Changes clean_ocr may make to the (correctly accented) markdown report: none so far.
ALLOWED_MARKDOWN_CHANGES: dict[str, str] = {}


def test_markdown_report_survives_clean_ocr() -> None:
    changes = {}
    for line in MD_FILE.read_text(encoding="utf-8").splitlines():
        plain = clean_markdown(line)
        repaired = clean_ocr(plain)
        if repaired != plain:
            changes[plain] = repaired
    assert changes == ALLOWED_MARKDOWN_CHANGES


def test_no_known_artifact_left_in_ocr_report() -> None:
    leftovers = re.compile(
        r"(?<!\w)[I|][’'\"]\w|\||(?<!\w)gu['’]|(?<!\w)a (?:la|l['’])(?!\w)"
        r"|(?:progr|probl|syst|th|mati|mani|crit)(?:é|e)(?:e?m|r)es?(?!\w)|ceuvr|\b\d{4}°"
    )
    found = [m.group(0) for p in ocr_paragraphs() for m in leftovers.finditer(clean_ocr(p))]
    assert found == []


def test_english_paragraph_is_left_alone() -> None:
    text = "I'm not sure the a la carte menu is for the children of the street."
    assert clean_ocr(text) == text


# --- reflow ----------------------------------------------------------------------------


def test_reflow_joins_and_strips_lines() -> None:
    lines = [
        "Sécurité publique Canada (SP) souhaite profiter de I'occasion pour remercier les",
        "organisations qui ont participé a I’atelier sur la traite de personnes, d’une durée",
    ]
    assert reflow([" " + lines[0] + "  ", lines[1]]) == f"{lines[0]} {lines[1]}"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["favoriser le dé-", "veloppement des programmes"],
            "favoriser le développement des programmes",
        ),
        (["le sous-", "comité de PACT Ottawa"], "le sous-comité de PACT Ottawa"),
        (
            ["le Bureau de la C.-", "B. et la Saskatchewan"],
            "le Bureau de la C.-B. et la Saskatchewan",
        ),
        (["en Colombie-", "Britannique a également"], "en Colombie-Britannique a également"),
        (["le Rapport 2012-", "2013 publié en"], "le Rapport 2012-2013 publié en"),
        (["ce qui peut-", "être changera"], "ce qui peut-être changera"),
        (["un service holistique —", "offrir"], "un service holistique — offrir"),
        (["les ONG -", "organismes"], "les ONG - organismes"),
        (["", "  un  mot  ", ""], "un mot"),
    ],
)
def test_reflow_hyphens(lines: list[str], expected: str) -> None:
    assert reflow(lines) == expected


# --- markdown ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '	<ul style="list-style-type: none"> au besoin, la GRC participera au bulletin '
            "	2015-2016	Continu	",
            "\tau besoin, la GRC participera au bulletin\t2015-2016\tContinu\t",
        ),
        (
            "Utiliser un plan d'urgence opérationnel pour enquêter sur des infractions au "
            "<i>Code criminel</i> et à la LIPR",
            "Utiliser un plan d'urgence opérationnel pour enquêter sur des infractions au "
            "Code criminel et à la LIPR",
        ),
        ("Au 1^{er} avril 2013, le Fonds", "Au 1er avril 2013, le Fonds"),
        ("- La 52^e conférence de formation", "- La 52e conférence de formation"),
        (
            "un montant pouvant atteindre 500 000 \\$ sera réservé pour de tels projets.",
            "un montant pouvant atteindre 500 000 $ sera réservé pour de tels projets.",
        ),
        (
            "<http://www.justice.gc.ca/fra/jp-cj/tp/loi-legis.html>",
            "http://www.justice.gc.ca/fra/jp-cj/tp/loi-legis.html",
        ),
        (
            "- Depuis 2005, **90** dossiers liés à la traite de personnes et visant **208** "
            "victimes",
            "- Depuis 2005, 90 dossiers liés à la traite de personnes et visant 208 victimes",
        ),
        (
            "le Canada soutient le **Mécanisme de financement mondial (MFM) en soutien à "
            "l'initiative *Chaque femme, chaque enfant***, dont l'objectif",
            "le Canada soutient le Mécanisme de financement mondial (MFM) en soutien à "
            "l'initiative Chaque femme, chaque enfant, dont l'objectif",
        ),
        (
            "les statistiques suivantes (au mois d'**août 2015**) en donnent une bonne idée :",
            "les statistiques suivantes (au mois d'août 2015) en donnent une bonne idée :",
        ),
        (
            "Lois canadiennes (*Code criminel* et infractions visant la traite des personnes)",
            "Lois canadiennes (Code criminel et infractions visant la traite des personnes)",
        ),
        ("2*3 et a*b restent, 5 * 3 aussi", "2*3 et a*b restent, 5 * 3 aussi"),
    ],
)
def test_strip_markdown_real_lines(line: str, expected: str) -> None:
    assert strip_markdown(line) == expected


def test_strip_markdown_keeps_line_breaks_and_list_dashes() -> None:
    text = "**Plan d'action national de lutte\ncontre la traite de personnes**\n- l'arrestation"
    assert strip_markdown(text) == (
        "Plan d'action national de lutte\ncontre la traite de personnes\n- l'arrestation"
    )
    assert clean_markdown(text) == (
        "Plan d'action national de lutte contre la traite de personnes - l'arrestation"
    )


def test_clean_paragraph_dispatch() -> None:
    assert clean_paragraph("de I'occasion", "ocr") == "de l'occasion"
    assert clean_paragraph("en **2014-2015** :", "markdown") == "en 2014-2015 :"
    with pytest.raises(ValueError):
        clean_paragraph("texte", "pdf")


# --- bullets -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "e Fournira jusqu’à 500 000 $ annuellement",
            (True, "Fournira jusqu’à 500 000 $ annuellement"),
        ),
        (
            " e Explorera la gestion de l'approvisionnement",
            (True, "Explorera la gestion de l'approvisionnement"),
        ),
        ("o Continuer à favoriser les rapports", (True, "Continuer à favoriser les rapports")),
        ("e unsondage en ligne", (True, "unsondage en ligne")),
        ("e L'UCIJG d’Halifax poursuit", (True, "L'UCIJG d’Halifax poursuit")),
        (
            "- la mise en accusation de 20 personnes;",
            (True, "la mise en accusation de 20 personnes;"),
        ),
        ("• Rester pertinents", (True, "Rester pertinents")),
        ("© Soutenir les femmes", (True, "Soutenir les femmes")),
        ("Il est important de continuer", (False, "Il est important de continuer")),
        ("en 2014-2015, le gouvernement", (False, "en 2014-2015, le gouvernement")),
        ("3.1 Secteur des services", (False, "3.1 Secteur des services")),
        ("1. Les systèmes de première ligne", (False, "1. Les systèmes de première ligne")),
        ("e-mail", (False, "e-mail")),
        ("o 2", (False, "o 2")),
        ("-5 degrés", (False, "-5 degrés")),
        ("Ottawa", (False, "Ottawa")),
    ],
)
def test_split_bullet(text: str, expected: tuple[bool, str]) -> None:
    assert split_bullet(text) == expected


# --- properties ----------------------------------------------------------------------------

OCR_TOKENS = [
    "a",
    "A",
    " ",
    "la",
    "l'",
    "I'",
    "I’",
    "|",
    "|l",
    "'",
    '"',
    "’",
    "qu",
    "gu",
    "jusqu",
    "y",
    "Il",
    "lly",
    "il",
    "ou",
    "lieu",
    "ils",
    "de",
    "12",
    "2014",
    "°",
    "®",
    "*",
    ":",
    "S",
    "000",
    "800",
    ".",
    "-",
    "c",
    "d",
    "é",
    "e",
    "o",
    "les",
    "former",
    "se",
    "fins",
    "des",
    "travers",
]


@settings(max_examples=200)
@given(st.text())
def test_clean_ocr_total_and_idempotent(text: str) -> None:
    once = clean_ocr(text)
    assert clean_ocr(once) == once


@settings(max_examples=200)
@given(st.lists(st.sampled_from(OCR_TOKENS), max_size=30).map("".join))
def test_clean_ocr_idempotent_on_ocr_like_text(text: str) -> None:
    once = clean_ocr(text)
    assert clean_ocr(once) == once


@settings(max_examples=200)
@given(st.lists(st.text()))
def test_reflow_total_and_idempotent(lines: list[str]) -> None:
    once = reflow(lines)
    assert reflow([once]) == once


@settings(max_examples=200)
@given(st.text())
def test_strip_markdown_total_and_idempotent(text: str) -> None:
    once = strip_markdown(text)
    assert strip_markdown(once) == once
    assert clean_markdown(clean_markdown(text)) == clean_markdown(text)


@settings(max_examples=200)
@given(
    st.lists(
        st.sampled_from(
            [
                "*",
                "**",
                "<i>",
                "</i>",
                "<",
                ">",
                "^",
                "{",
                "}",
                "\\",
                "$",
                "x",
                " ",
                "\t",
                "\n",
                "http://a",
            ]
        ),
        max_size=30,
    ).map("".join)
)
def test_strip_markdown_idempotent_on_markup(text: str) -> None:
    once = strip_markdown(text)
    assert strip_markdown(once) == once
