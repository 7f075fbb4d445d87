"""The researchers' page in a real headless Chromium: filters, Annex A table, CSV, copying a
citation, keyboard use and an axe-core accessibility audit in French and English.

Needs /usr/bin/chromium (``make browser``) and axe-core (``make axe``); without them the
module is skipped, except under ``CI=true`` where it fails. With ``TRAITE_SCREENSHOTS=DIR``
it also writes the README's screenshots into DIR.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import CHROMIUM, require, tab

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
require(CHROMIUM, "apt-get install -y chromium")
require(AXE, "make axe")

from playwright.sync_api import Browser, Page, expect  # noqa: E402

from service.export import neutralise  # noqa: E402

pytestmark = pytest.mark.browser

QUERY = "formation des policiers"
COUNT = re.compile(r"(\d+) (?:sur|of) (\d+)")


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A French-speaking tab allowed to use the clipboard; axe is injected despite the CSP."""
    with tab(browser, live_server, locale="fr-CA", bypass_csp=True) as opened:
        opened.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
        yield opened


def result_total(page: Page) -> int:
    text = page.locator("#results-title .count").inner_text()
    match = COUNT.search(text)
    return int(match.group(2)) if match else 0


def option_count(page: Page, label: str, value: str) -> int:
    text = page.get_by_label(label).locator(f'option[value="{value}"]').inner_text()
    return int(re.search(r"\((\d+)\)$", text).group(1))


def api_count(page: Page, **params: str) -> int:
    response = page.request.get("/search", params={"q": QUERY, "k": "50", **params})
    assert response.ok
    return len(response.json()["results"])


def test_filter_by_organisation_then_task(page: Page) -> None:
    page.goto("/?" + f"q={QUERY}")
    grc = option_count(page, "Organisation", "GRC")
    page.get_by_label("Organisation").select_option("GRC")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert "org=GRC" in page.url
    assert result_total(page) == api_count(page, org="GRC") == min(grc, 50)
    task = option_count(page, "Tâche de l'annexe A", "2.13")
    page.get_by_label("Tâche de l'annexe A").select_option("2.13")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    assert "org=GRC" in page.url and "task=2.13" in page.url
    total = result_total(page)
    assert total == api_count(page, org="GRC", task="2.13") == task > 0
    assert page.locator("#results li.result, section.results li.result").count() == total
    for item in page.locator("section.results li.result").all():
        expect(item.locator(".result-title + .crumb")).to_contain_text("2.13")


def test_tasks_view_on_hold(page: Page) -> None:
    page.goto("/tasks/view")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_label("État du produit livrable").select_option(label="En suspens")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_load_state()
    tasks = page.request.get("/tasks", params={"status": "En suspens"}).json()
    expected = [d["text"] for task in tasks for d in task["deliverables"]]
    rows = page.locator("table.annex tbody tr")
    assert expected and rows.count() == len(expected)
    for row, text in zip(rows.all(), expected, strict=True):
        expect(row).to_contain_text(text)
        expect(row.locator(".badge.hold")).to_have_text("En suspens")
    rows.first.get_by_role("link").click()
    page.wait_for_load_state()
    expect(page.locator(":target")).to_be_in_viewport()


def test_csv_download_parses_back(page: Page) -> None:
    page.goto("/?" + f"q={QUERY}")
    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger CSV").click()
    text = Path(info.value.path()).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    api = page.request.get("/search", params={"q": QUERY, "k": "10"}).json()["results"]
    assert rows[0][:3] == ["rank", "id", "document"] and len(rows) == 1 + 10
    assert [r[1] for r in rows[1:]] == [p["id"] for p in api]
    assert [r[9] for r in rows[1:]] == [neutralise(p["text"]) for p in api]  # "'- item"


def test_copy_citation_puts_file_and_lines_on_the_clipboard(page: Page) -> None:
    page.goto("/?" + f"q={QUERY}")
    first = page.locator("section.results li.result").first
    meta = first.locator(".meta").inner_text()
    file, lines = re.search(r"(\S+\.(?:md|txt)), (lignes? [\d–]+)", meta).groups()
    first.get_by_role("button", name="Copier la citation").click()
    expect(first.get_by_role("button")).to_have_text("Citation copiée")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert f"{file}, {lines}" in copied and "/documents/" in copied


def test_filters_work_without_javascript(browser: Browser, live_server: str) -> None:
    with tab(browser, live_server, java_script_enabled=False) as page:
        page.goto(f"/?q={QUERY}&lang=en")
        expect(page.get_by_role("button", name="Copy citation").first).to_be_hidden()
        page.get_by_label("Passage kind").select_option("task")
        page.get_by_role("button", name="Filter", exact=True).click()
        assert "kind=task" in page.url
        assert page.locator("section.results li.result.kind-task").count() == min(
            result_total(page), 10
        )


PAGES = {
    "home": "/",
    "results": f"/?q={QUERY}&org=GRC&kind=task",
    "document": "/documents/plan-action-2014-2015/view#plan-action-2014-2015:tache-2.13:1",
    "tasks": "/tasks/view?status=Continu&sort=start",
}


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_violation(page: Page, name: str, lang: str) -> None:
    url = PAGES[name]
    path, _, fragment = url.partition("#")
    page.goto(
        f"{path}{'&' if '?' in path else '?'}lang={lang}" + (f"#{fragment}" if fragment else "")
    )
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert len(result["passes"]) > 10 and not bad, bad
    assert not [v for v in result["violations"] if v["id"] == "color-contrast"]


FOCUSABLE = "a[href], button:not([hidden]), select, input:not([type=hidden]), [tabindex='0']"


@pytest.mark.parametrize("url", [f"/?q={QUERY}&org=GRC", "/tasks/view?status=En+suspens"])
def test_every_control_is_reachable_by_keyboard_with_visible_focus(page: Page, url: str) -> None:
    page.goto(url)
    page.evaluate("document.activeElement.blur()")
    wanted = page.evaluate(
        f'[...document.querySelectorAll("{FOCUSABLE}")].filter(e => e.offsetParent).length'
    )
    reached: set[str] = set()
    for _ in range(wanted + 3):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                 const all = [...document.querySelectorAll('*')];
                 const i = e === document.body ? -1 : all.indexOf(e);
                 return [i, e.matches(':focus-visible'), s.outlineStyle, s.outlineWidth]; }"""
        )
        index, visible, style, width = focused
        if index >= 0:
            reached.add(str(index))
            assert visible and style != "none" and width != "0px", focused
    assert len(reached) >= wanted


SHOTS = os.environ.get("TRAITE_SCREENSHOTS")


@pytest.mark.skipif(not SHOTS, reason="set TRAITE_SCREENSHOTS=DIR to write the screenshots")
def test_screenshots(browser: Browser, live_server: str) -> None:
    out = Path(SHOTS or ".")
    out.mkdir(parents=True, exist_ok=True)
    answer = "/?q=Combien+de+permis+de+séjour+temporaire+ont+été+délivrés+en+2014+?"
    shots = [  # name, viewport, url, element scrolled to the top
        ("desktop-answer.png", {"width": 1280, "height": 900}, answer, None),
        (
            "desktop-results.png",
            {"width": 1280, "height": 900},
            f"/?q={QUERY}&org=GRC&lang=en",
            ".layout",
        ),
        ("desktop-tasks.png", {"width": 1280, "height": 900}, "/tasks/view?lang=en", None),
        ("phone-answer.png", {"width": 390, "height": 844}, answer, None),
        ("phone-tasks.png", {"width": 390, "height": 844}, "/tasks/view?status=En+suspens", None),
    ]
    for name, viewport, url, top in shots:
        with tab(browser, live_server, viewport=viewport) as page:
            page.goto(url)
            if top:
                page.locator(top).evaluate("e => e.scrollIntoView()")
            page.screenshot(path=str(out / name))
        assert (out / name).stat().st_size > 10_000
