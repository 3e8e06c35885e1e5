"""The layout's links are reversed once a process, but never across URLconfs or script prefixes."""

from __future__ import annotations

from django.test.utils import override_script_prefix
from django.urls import reverse, set_urlconf

from counseling.rows import fixed_address


def test_a_fixed_address_is_what_reverse_gives() -> None:
    for name in ("help", "privacy", "home", "notifications", "logout", "set_language"):
        assert fixed_address(name) == reverse(name)
        assert fixed_address(name) == reverse(name)  # the second from the memo


def test_a_script_prefix_gets_its_own_address() -> None:
    plain = fixed_address("help")
    with override_script_prefix("/school-b/"):
        assert fixed_address("help") == "/school-b" + plain == reverse("help")
    assert fixed_address("help") == plain


def test_another_urlconf_gets_its_own_address() -> None:
    """A district's own site serves another URLconf (django-tenants sets it per request)."""
    plain = fixed_address("help")
    set_urlconf("counseling.tests.urls_moved_help")
    try:
        assert fixed_address("help") == "/moved/help/" == reverse("help")
    finally:
        set_urlconf(None)
    assert fixed_address("help") == plain
