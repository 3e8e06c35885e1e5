"""Each role sees the navigation it may use, and nothing else."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

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
    return [label.strip() for label in re.findall(r'class="(?:nav-link|dropdown-item)(?! dropdown-toggle)[^"]*"[^>]*>([^<]+)</a>', nav)]


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
