"""Signing in and out, per role, through the real login form."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from counseling.tests.factories import PASSWORD

ROLE_LABELS = {
    "student": "学生",
    "class_teacher": "班主任",
    "counselor": "心理辅导教师",
    "head": "心理辅导室主任",
    "leader": "学校领导",
    "administrator": "管理员",
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(ROLE_LABELS))
def test_each_role_signs_in_and_lands_on_its_home_page(who, request, term) -> None:
    user = request.getfixturevalue(who)
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    page = response.content.decode()
    assert user.name in page
    assert f'data-testid="role">{ROLE_LABELS[who]}<' in page
    assert term.name in page


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_message(student) -> None:
    response = Client().post(reverse("login"), {"username": student.username, "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()
    assert "_auth_user_id" not in Client().session


@pytest.mark.django_db
def test_sign_out_ends_the_session(client_for, student) -> None:
    client = client_for(student)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.django_db
def test_the_interface_switches_to_english(client_for, student) -> None:
    client = client_for(student)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in page
    assert "Current term" in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "当前学期" in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_login_page_is_chinese_by_default() -> None:
    page = Client().get(reverse("login")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录" in page
