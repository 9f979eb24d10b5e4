"""Browser tests: Playwright (sync API) driving the system Chromium against pytest-django's
`live_server` (a real server thread on the transactional test database).

`playwright install` cannot download browsers on these machines, so Chromium is Debian's
(`apt-get install -y chromium`, DESIGN §10). Run with `make test-e2e`, or:

    .venv/bin/python -m pytest -m e2e -p no:xdist tests/e2e

Every test here is marked `e2e` (`pytestmark` in each module, and the hook below for any module
that forgets), so `make test` (`-m "not e2e"`, under xdist) leaves them out.

Screenshots of the pages go to test-artifacts/screenshots/<name>.png for a human to look at.
Chinese pages need a CJK font on the machine (`apt-get install -y fonts-wqy-microhei` or
fonts-noto-cjk); without one they still pass but the screenshots show boxes instead of text.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000

E2E_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    """Everything under tests/e2e is an e2e test, whether or not its module says so."""
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="package")
def browser():
    """One Chromium for all of tests/e2e (the package scope is the whole e2e session).

    Playwright's sync API keeps an asyncio event loop running in this thread, and Django's ORM
    refuses to run beside one unless DJANGO_ALLOW_ASYNC_UNSAFE is set. It is set only while
    Playwright runs and removed afterwards: set at import time it would leak into every other
    test of a mixed run and into their subprocesses (`manage.py check --deploy` rejects it).
    """
    if not Path(CHROMIUM).exists() and shutil.which(CHROMIUM) is None:
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture(autouse=True)
def _links_point_at_live_server(settings, live_server):
    """E-mails build absolute links from SITE_URL: make them open the live test server."""
    settings.SITE_URL = live_server.url


class PageProblems:
    """What went wrong in the browser while a test ran: JavaScript errors, CSP violations, and
    our own assets (CSS, JS) that failed to load. A test fails on any of them at teardown."""

    def __init__(self):
        self.problems: list[str] = []

    def watch(self, page):
        page.on("pageerror", lambda error: self.problems.append(f"JavaScript error: {error}"))
        page.on("console", self._console)
        page.on("response", self._response)
        page.on("requestfailed", self._request_failed)
        return page

    def _request_failed(self, request):
        # ERR_ABORTED: the test moved on to another page before this one finished loading its
        # images; that is the browser cancelling, not the site failing.
        if "ERR_ABORTED" in (request.failure or ""):
            return
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.problems.append(f"CSP violation: {message.text}")

    def _response(self, response):
        if "/static/" in response.url and response.status >= 400:
            self.problems.append(f"asset {response.url} answered {response.status}")


def _new_page(browser, live_server, problems, **context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = problems.watch(context.new_page())
    return context, page


@pytest.fixture
def page_problems():
    problems = PageProblems()
    yield problems
    assert not problems.problems, "\n".join(problems.problems)


@pytest.fixture
def page(browser, live_server, page_problems):
    """A desktop page in a fresh browser context (no cookies), English, 1280×900."""
    context, page = _new_page(browser, live_server, page_problems, locale="en-US", viewport=DESKTOP)
    yield page
    context.close()


@pytest.fixture
def mobile_page(browser, live_server, page_problems):
    """A phone-sized page (390×844, touch) in a fresh browser context, English."""
    context, page = _new_page(
        browser,
        live_server,
        page_problems,
        locale="en-US",
        viewport=MOBILE,
        is_mobile=True,
        has_touch=True,
    )
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server, page_problems):
    """A factory for extra pages with their own context options (another locale, say)."""
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        context, page = _new_page(browser, live_server, page_problems, **options)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


def save_screenshot(page, name: str) -> Path:
    """Save a full-page PNG as test-artifacts/screenshots/<name>.png and return its path."""
    if not re.fullmatch(r"[\w.-]+", name):
        raise ValueError(f"screenshot name {name!r}: letters, digits, '.', '-' and '_' only")
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot():
    """`screenshot(page, name)` saves a full-page PNG under test-artifacts/screenshots/."""
    return save_screenshot
