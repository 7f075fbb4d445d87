"""The web page in a real headless Chromium (Playwright, with the system's browser).

Without /usr/bin/chromium the module is skipped, except under ``CI=true`` where it fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import unquote, urlparse

import pytest
from chromium import CHROMIUM, require, tab

require(CHROMIUM, "apt-get install -y chromium")

from playwright.sync_api import Browser, Page, expect  # noqa: E402

pytestmark = pytest.mark.browser

XSS = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'


@pytest.fixture
def dialogs() -> list[str]:
    return []


@pytest.fixture
def page(browser: Browser, live_server: str, dialogs: list[str]) -> Iterator[Page]:
    """A fresh French-speaking tab; any JavaScript dialog is recorded (and fails the test)."""

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    with tab(browser, live_server, locale="fr-CA") as opened:
        opened.on("dialog", on_dialog)
        yield opened
    assert not dialogs, f"unexpected JavaScript dialog(s): {dialogs}"


def ask(page: Page, question: str) -> None:
    page.goto("/")
    page.get_by_label("Votre question").fill(question)
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_load_state()


def test_french_question_shows_cited_answer(page: Page) -> None:
    ask(page, "qui est responsable de la tâche 2.13?")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    answer = page.locator("section.answer")
    expect(answer.get_by_role("heading", level=2)).to_have_text("Réponse")
    expect(answer).to_contain_text("IRCC")
    expect(page.get_by_role("heading", name="Sources de la réponse")).to_be_visible()
    assert page.locator("li.result").count() >= 1
    expect(page.locator("li.result").first.locator("mark").first).to_be_visible()


def test_english_question_shows_number(page: Page) -> None:
    page.goto("/")
    page.locator("#q").fill(
        "How many temporary resident permits were issued to victims of human trafficking in 2014?"
    )
    page.locator("#q").press("Enter")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    answer = page.locator("section.answer")
    expect(answer.get_by_role("heading", level=2)).to_have_text("Answer")
    expect(answer).to_contain_text("34")


def test_citation_leads_to_highlighted_passage(page: Page) -> None:
    ask(page, "qui est responsable de la tâche 2.13?")
    page.locator("section.answer a.cite").first.click()
    assert urlparse(page.url).fragment.startswith("c")
    target = page.locator(f"#{urlparse(page.url).fragment}")
    target.get_by_role("link", name="Lire dans le document").click()
    page.wait_for_load_state()
    fragment = unquote(urlparse(page.url).fragment)
    assert urlparse(page.url).path.endswith("/view") and fragment
    assert page.evaluate("document.querySelector(':target')?.id") == fragment
    passage = page.locator(":target")
    expect(passage).to_be_visible()
    expect(passage).to_be_in_viewport()
    assert passage.inner_text().strip()
    background = passage.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")
    neighbours = page.locator(".passage:not(:target)")
    assert neighbours.count() > 1
    assert neighbours.first.evaluate("el => getComputedStyle(el).backgroundColor") != background


def test_script_in_query_is_shown_as_text(page: Page, dialogs: list[str]) -> None:
    ask(page, XSS)
    expect(page.locator("#q")).to_have_value(XSS)
    assert XSS in page.title()
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("script").count() == 1  # /static/app.js only
    assert page.evaluate("document.querySelectorAll('[onerror]').length") == 0
    page.wait_for_timeout(300)
    assert dialogs == []


def test_english_interface_switch(page: Page) -> None:
    ask(page, "qui est responsable de la tâche 2.13?")
    page.get_by_role("navigation").get_by_role("link", name="EN").click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("label[for=q]")).to_have_text("Your question")
    expect(page.get_by_role("button", name="Search")).to_be_visible()
    expect(page.locator("#q")).to_have_value("qui est responsable de la tâche 2.13?")
    expect(page.get_by_role("heading", name="Answer", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Sources of the answer")).to_be_visible()
    expect(page.locator("li.result").first).to_contain_text("line")


def test_page_works_without_javascript(browser: Browser, live_server: str) -> None:
    with tab(browser, live_server, java_script_enabled=False) as page:
        page.goto("/?lang=en")
        page.locator("#q").fill("Who is responsible for task 2.13?")
        page.get_by_role("button", name="Search").click()
        expect(page.locator("section.answer")).to_contain_text("IRCC")
