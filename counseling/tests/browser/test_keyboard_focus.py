"""Every tab stop in the staff navbar shows where the keyboard is: the review found 23 of 128 tab
stops with no visible change (Bootstrap's 25 % blue ring on the blue bar)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTLINE = "el => [getComputedStyle(el).outlineStyle, parseFloat(getComputedStyle(el).outlineWidth)]"


def test_every_navbar_tab_stop_shows_a_visible_outline(demo_school, journey) -> None:
    page = journey.page
    journey.login("head")
    journey.goto("/")
    # Start before the navbar and tab through everything in it.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        inside = page.evaluate("!!document.activeElement.closest('nav.navbar')")
        if not inside:
            if stops:
                break
            continue
        label = page.evaluate(
            "document.activeElement.textContent.trim() || document.activeElement.getAttribute('aria-label')"
        )
        style, width = page.evaluate(f"({OUTLINE})(document.activeElement)")
        stops.append((label, style, width))
    assert len(stops) >= 5, stops
    invisible = [label for label, style, width in stops if style == "none" or width < 2]
    assert invisible == []
