"""In an English page, Chinese names and titles carry lang="zh-Hans" (WCAG 3.1.2), so a screen
reader switches voice for them; in a Chinese page nothing is added."""

from __future__ import annotations

import pytest

from counseling.tests.browser.conftest import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chinese_names_in_an_english_page_are_marked(demo_school, browser, browser_context_args, live_server) -> None:
    context = browser.new_context(**{**browser_context_args, "locale": "en-US"})
    walk = Journey(context.new_page(), live_server.url)
    try:
        walk.login("head")
        walk.goto("/")
        page = walk.page
        assert page.evaluate("document.documentElement.lang") == "en"
        name = demo_school.users["head"].name
        marked = page.evaluate(
            "name => [...document.querySelectorAll('[lang=zh-Hans]')].some(el => el.textContent.includes(name))", name
        )
        assert marked, f"{name} is not marked as Chinese"
        # No Chinese text is left unmarked anywhere on the page.
        unmarked = page.evaluate(
            """() => {
              const out = [];
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
              while (walker.nextNode()) {
                const node = walker.currentNode;
                const tag = node.parentElement.tagName;
                if (/[\\u3400-\\u9fff]/.test(node.nodeValue) && !['SCRIPT', 'STYLE', 'TEXTAREA'].includes(tag)
                    && !node.parentElement.closest('[lang^=zh]')) out.push(node.nodeValue.trim());
              }
              return out;
            }"""
        )
        assert unmarked == []
    finally:
        context.close()
    walk.assert_accessible()


def test_a_chinese_page_gets_no_extra_marks(demo_school, journey) -> None:
    journey.login("head")
    journey.goto("/")
    assert journey.page.evaluate("document.querySelectorAll('span[lang=zh-Hans]').length") == 0
