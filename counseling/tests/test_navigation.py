"""Each role sees the navigation it may use, and nothing else."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from counseling.models import Notification

# (role fixture, labels it must see, labels it must not see) — labels as the zh-hans interface shows them.
EXPECTED = [
    ("student", [], ["导入花名册", "学校名录", "系统状态", "学期总结"]),
    ("class_teacher", [], ["导入花名册", "学校名录", "系统状态", "学期总结"]),
    ("counselor", [], ["导入花名册", "学校名录", "系统状态", "学期总结"]),
    ("head", ["系统状态", "学期总结"], ["导入花名册", "学校名录"]),
    ("leader", ["学期总结"], ["导入花名册", "学校名录", "系统状态"]),
    ("administrator", ["导入花名册", "学校名录", "系统状态", "学期总结"], []),
]


def nav_labels(html: str) -> list[str]:
    nav = html.split('id="main-nav"', 1)[1].split('<ul class="navbar-nav">', 1)[0]
    return [
        label.strip()
        for label in re.findall(r'class="(?:nav-link|dropdown-item)(?! dropdown-toggle)[^"]*"[^>]*>([^<]+)</a>', nav)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "sees", "hidden"), EXPECTED)
def test_navigation_per_role(client_for, request, who, sees, hidden) -> None:
    user = request.getfixturevalue(who)
    labels = nav_labels(client_for(user).get(reverse("home")).content.decode())
    for label in sees:
        assert label in labels, f"{who} should see {label}: {labels}"
    for label in hidden:
        assert label not in labels, f"{who} should not see {label}: {labels}"


@pytest.mark.django_db
def test_anonymous_visitors_get_no_navigation(client) -> None:
    page = client.get(reverse("login")).content.decode()
    assert "nav-link" not in page.split('id="main-nav"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.django_db
def test_the_bar_marks_the_current_page_counts_unread_and_keeps_the_address_for_the_language_switch(
    client_for, counselor
) -> None:
    notify_url = reverse("notifications")
    Notification.objects.create(user=counselor, title="t", body="b")
    client = client_for(counselor)
    page = client.get(f"{reverse('cases:case_list')}?q=<b>&page=1").content.decode()
    nav = page.split("<nav", 1)[1].split("</nav>", 1)[0]
    assert f'class="nav-link active" aria-current="page" href="{reverse("cases:case_list")}"' in nav or (
        f'class="dropdown-item active" aria-current="page" href="{reverse("cases:case_list")}"' in nav
    )
    assert nav.count('aria-current="page"') == 1
    assert (
        f'<a class="nav-link" href="{notify_url}">通知 <span class="badge text-bg-warning" data-testid="unread-count">1</span></a>'
        in nav
    )
    assert f'value="{reverse("cases:case_list")}?q=%3Cb%3E&amp;page=1"' in nav  # the address, escaped
    assert (
        '<button type="submit" name="language" value="en" class="btn btn-sm btn-outline-light" lang="en">English</button>'
        in nav
    )
    assert nav.count('name="csrfmiddlewaretoken"') == 2  # sign-out and language forms
    assert counselor.get_full_name() in nav


@pytest.mark.django_db
def test_a_signed_out_visitor_gets_the_help_link_and_the_language_switch(client) -> None:
    nav = client.get(reverse("help")).content.decode().split("<nav", 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("help")}" data-testid="help-link" aria-current="page">' in nav
    assert '<div class="me-auto"></div>' in nav
    assert 'lang="en">English</button>' in nav


def test_a_page_rendered_without_its_request_still_gets_its_bar() -> None:
    page = render_to_string("404.html", {})
    assert 'id="main-nav"' in page
    assert 'name="csrfmiddlewaretoken"' not in page
