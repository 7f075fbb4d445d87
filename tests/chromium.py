"""Headless Chromium for the browser tests: its path, its launch options, the skip (a failure
under ``CI=true``) when something it needs is missing, and a fresh tab."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
TIMEOUT_MS = 30_000


def require(needed: Path, how: str) -> None:
    """Skip the calling test module without ``needed`` (``how``: how to install it); under
    ``CI=true`` fail instead."""
    if needed.exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{needed} missing: {how} (required when CI=true)", pytrace=False)
    pytest.skip(f"{needed} missing: {how}", allow_module_level=True)


@contextmanager
def launch() -> Iterator[Browser]:
    """The system's Chromium, headless, driven by Playwright (nothing is downloaded)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@contextmanager
def tab(browser: Browser, base_url: str, **options: Any) -> Iterator[Page]:
    """A page in a fresh context on ``base_url`` (``options``: ``Browser.new_context``'s)."""
    context = browser.new_context(base_url=base_url, **options)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        yield page
    finally:
        context.close()
