"""The real-browser stage (``make test-browser``, issue 13 item 5): Debian's Chromium, driven by
Playwright for Python, through the preference page served by a real uvicorn on a loopback port
(``local_app()`` over moto, as ``make run`` serves it).

Nothing is downloaded at run time: Playwright's pip wheel carries its driver, the browser is the
one Debian installs (``/usr/bin/chromium``; ``REGISTRY_CHROMIUM`` names another), and axe-core is
the ``axe.min.js`` that the pip package ``axe-playwright-python`` carries. Where there is no
Chromium (or no Playwright), every test here skips, saying so.

These tests carry the ``browser`` marker and run only when asked for with ``-m browser``: the
other stages (``pytest tests``, the time-travel and DynamoDB Local stages) leave them out.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from infra.net import LOCALHOST, free_port
from tests.api.conftest import api  # noqa: F401  (the API keys and the table, as tests/api has them)
from tests.local_server import local_server

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("REGISTRY_CHROMIUM", "/usr/bin/chromium")
# Flags that work on a closed network as root: no sandbox (root), nothing fetched in the background.
# Playwright gives every launch a fresh, empty profile (its own --user-data-dir) and adds --headless.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NO_CHROMIUM = (f"no Chromium at {CHROMIUM}: the browser stage needs Debian's chromium (apt-get install chromium; "
               "`make test-browser` installs it when run as root; Playwright needs no chromedriver)")


def pytest_collection_modifyitems(config, items):
    """Leave the browser tests out unless the run asks for them (``-m browser``)."""
    if "browser" in (config.option.markexpr or ""):
        return
    chosen, left = [], []
    for item in items:
        (left if item.get_closest_marker("browser") else chosen).append(item)
    if left:
        config.hook.pytest_deselected(items=left)
        items[:] = chosen


def chromium_missing() -> str | None:
    """Why the stage cannot run here, or None."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)) and not shutil.which(CHROMIUM):
        return NO_CHROMIUM
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="session", autouse=True)
def _needs_chromium():
    """Before any other fixture starts a server: skip, saying why, where the browser is missing."""
    why = chromium_missing()
    if why:
        pytest.skip(why)


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (each test opens its own context: no shared cookies)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def server(api):  # noqa: F811
    """The local server on a free loopback port, its links built for that port: the page's form
    posts back to the same server. Yields (base URL, an HTTP client of the API with the test keys)."""
    from registry.settings import reset_settings
    from tests.browser.http_api import HttpApi

    port = free_port()
    base = f"http://{LOCALHOST}:{port}"
    previous = os.environ.get("REGISTRY_PUBLIC_BASE_URL")
    os.environ["REGISTRY_PUBLIC_BASE_URL"] = base
    reset_settings()
    try:
        with local_server(port):
            yield base, HttpApi(base, api.admin, api.dialer, api.writer)
    finally:
        if previous is None:
            os.environ.pop("REGISTRY_PUBLIC_BASE_URL", None)
        else:
            os.environ["REGISTRY_PUBLIC_BASE_URL"] = previous
        reset_settings()


@pytest.fixture
def open_page(chromium):
    """``open_page(url, width, height, locale="en-US", status=200)``: the url in a new browser
    context of that size (under 600 px a phone's: mobile viewport, touch, device scale 2), its
    ``Accept-Language`` from the locale; the page once it answered ``status``."""
    contexts = []

    def opener(url: str, width: int, height: int, locale: str = "en-US", status: int = 200):
        phone = width < 600
        context = chromium.new_context(viewport={"width": width, "height": height}, locale=locale,
                                       device_scale_factor=2 if phone else 1, is_mobile=phone, has_touch=phone,
                                       timezone_id="America/Los_Angeles")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)  # generous: a loaded CI machine, not a slow page
        response = page.goto(url)
        assert response is not None and response.status == status, (url, response and response.status)
        return page

    yield opener
    for context in contexts:
        context.close()
