"""Browser journeys: pytest-playwright driving Debian's Chromium against pytest-django's live server.

Every journey signs in through the real login form, checks each page it reaches with axe-core
(no serious or critical violation) and, with ``SCREENSHOTS=1``, saves the main pages to
``docs/screenshots/`` for the README. Run them alone with ``.venv/bin/python -m pytest -m browser``.
No browser is ever downloaded: we use ``/usr/bin/chromium`` with the flags a root, offline
machine needs; without it the journeys are skipped.
"""

from __future__ import annotations

import os
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the test thread; Django would otherwise
# refuse ORM calls made from that thread (setting up data, checking rows).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
DEMO_PASSWORD = "demo-pass-2026"
STAFF_VIEWPORT = {"width": 1280, "height": 800}
PHONE_VIEWPORT = {"width": 375, "height": 800}
# axe-core impacts that fail a journey.
BLOCKING_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(config, items):
    # In CI a missing browser is a failure of the set-up (the Makefile installs it), not a skip.
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The school's interface language; journeys look for Chinese labels where they must.
    return {**browser_context_args, "locale": "zh-CN", "viewport": STAFF_VIEWPORT, "accept_downloads": True}


@pytest.fixture
def demo_school(transactional_db):
    """The demo school of ``manage.py seed_demo`` (every app's demo data), inside the test database.

    The migrations' own rows are put back first where a transactional test emptied them (see
    ``counseling/tests/browser/plugin.py``).
    """
    from types import SimpleNamespace

    from django.core.management import call_command

    from counseling.models import User
    from counseling.tests.browser.plugin import MIGRATION_ROWS, restore_empty_tables

    if MIGRATION_ROWS:
        restore_empty_tables(MIGRATION_ROWS["default"])
    call_command("seed_demo", force=True, stdout=StringIO())
    return SimpleNamespace(users={u.username: u for u in User.objects.filter(username__regex=r"^[a-z]+\d*$")})


class Journey:
    """One person's walk through the site: sign in, visit, and check every page with axe-core."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.checked: list[str] = []
        self.violations: list[str] = []

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        response = self.page.goto(self.url(path))
        assert response is not None and response.status < 400, f"{path} answered {response and response.status}"
        self.check()
        return response

    def login(self, username: str, password: str = DEMO_PASSWORD) -> None:
        self.page.goto(self.url("/accounts/login/"))
        self.check()
        self.page.locator("input[name=username]").fill(username)
        self.page.locator("input[name=password]").fill(password)
        self.page.locator("form:has(input[name=password]) [type=submit]").click()
        self.page.wait_for_load_state()
        assert "/accounts/login/" not in self.page.url, f"{username} could not sign in"
        self.check()

    def logout(self) -> None:
        self.page.context.clear_cookies()

    def check(self) -> None:
        """Run axe-core on the current page; remember serious and critical violations."""
        from axe_playwright_python.sync_playwright import Axe

        self.page.wait_for_load_state("domcontentloaded")
        path = re.sub(r"^https?://[^/]+", "", self.page.url)
        results = Axe().run(self.page)
        self.checked.append(path)
        for violation in results.response["violations"]:
            if violation.get("impact") in BLOCKING_IMPACTS:
                targets = ", ".join(str(node["target"]) for node in violation["nodes"][:3])
                why = violation["nodes"][0].get("failureSummary", "").replace("\n", " ")[:300]
                self.violations.append(
                    f"{path}: {violation['id']} ({violation['impact']}) {violation['help']} at {targets}: {why}"
                )

    def screenshot(self, name: str, *, full_page: bool = False) -> None:
        """Save a PNG to docs/screenshots/ when SCREENSHOTS=1 (so ordinary runs leave the tree alone)."""
        if os.environ.get("SCREENSHOTS") != "1":
            return
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=full_page, type="png")

    def assert_accessible(self) -> None:
        assert not self.violations, "axe-core found serious or critical violations:\n" + "\n".join(self.violations)


@pytest.fixture
def journey(page, live_server):
    """A Journey on a 1280 px wide page; fails at the end if any page it checked had a violation."""
    walk = Journey(page, live_server.url)
    yield walk
    walk.assert_accessible()


@pytest.fixture
def phone_journey(browser, browser_context_args, live_server):
    """A Journey on a 375 px wide phone screen, as a student holds it."""
    context = browser.new_context(
        **{**browser_context_args, "viewport": PHONE_VIEWPORT, "is_mobile": True, "has_touch": True}
    )
    page = context.new_page()
    walk = Journey(page, live_server.url)
    yield walk
    context.close()
    walk.assert_accessible()
