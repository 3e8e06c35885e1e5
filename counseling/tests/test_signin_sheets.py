"""Sign-in sheets: the administrator issues first passwords by class; students must change them."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from counseling.models import AuditEntry, User
from counseling.services.signin import ALPHABET, AUDIT_DETAIL, LENGTH
from counseling.tests.factories import PASSWORD, StudentProfileFactory, UserFactory, make_student
from counseling.tests.test_navigation import nav_labels

NEW_PASSWORD = "Qiushui-Lake-2026"


def new_student(username: str, school_class, number: str, name: str, **profile) -> User:
    """A student as the roster import creates one: no usable password."""
    user = UserFactory(username=username, name=name)
    user.set_unusable_password()
    user.save(update_fields=["password"])
    StudentProfileFactory(user=user, school_class=school_class, student_number=number, **profile)
    return user


def cards(response) -> list[tuple[str, str, str]]:
    """(name, sign-in name, password) of every card on the printed page."""
    page = response.content.decode()
    return re.findall(
        r'data-testid="name">([^<]*)</dd>.*?data-testid="username">([^<]*)</dd>.*?data-testid="password">([^<]*)</dd>',
        page,
        re.S,
    )


def issue(client: Client, school_class, reissue: bool = False):
    data = {"school_class": school_class.pk}
    if reissue:
        data["reissue"] = "on"
    return client.post(reverse("signin_sheets"), data)


def sign_in(username: str, password: str) -> tuple[Client, object]:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password}, follow=True)
    return client, response


@pytest.fixture
def newcomers(school_class):
    """Two new students (numbers out of creation order), and one who has left the class."""
    second = new_student("20260002", school_class, "20260002", "周子轩")
    first = new_student("20260001", school_class, "20260001", "林小雨")
    new_student("20260003", school_class, "20260003", "已转学", is_archived=True)
    return [first, second]


@pytest.mark.django_db
def test_administrator_prints_cards_and_students_sign_in_with_them(client_for, administrator, newcomers, school_class):
    response = issue(client_for(administrator), school_class)
    assert response.status_code == 200
    page = response.content.decode()
    assert "初始密码单 · 七年级1班" in page
    assert "已发放 2 个新密码。密码只在本页显示，请立即打印。" in page
    assert "学校心理辅导室" in page
    assert "http://testserver/accounts/login/" in page
    assert "首次登录时请修改此密码，并且不要告诉任何人。" in page
    printed = cards(response)
    assert [(name, username) for name, username, _password in printed] == [
        ("林小雨", "20260001"),
        ("周子轩", "20260002"),
    ]
    for _name, username, password in printed:
        assert len(password) == LENGTH == 12
        assert set(password) <= set(ALPHABET)
        assert not set(password) & set("0O1lI")
        user = User.objects.get(username=username)
        # Hashed with the sheet's cheaper hasher; the first sign-in re-hashes with the default.
        assert user.password.startswith("pbkdf2_sha256_sheet$50000$")
        assert user.check_password(password)
        assert not User.objects.get(pk=user.pk).password.startswith("pbkdf2_sha256_sheet$")
        assert user.must_change_password
        client, signed_in = sign_in(username, password)
        assert signed_in.redirect_chain[-1][0] == reverse("password_change")
        assert client.session["_auth_user_id"] == str(user.pk)
    assert printed[0][2] != printed[1][2]
    assert not User.objects.get(username="20260003").has_usable_password()


@pytest.mark.django_db
def test_the_office_name_from_the_settings_heads_every_card(client_for, administrator, newcomers, school_class, settings):
    settings.OFFICE_NAME = "秋水中学心理辅导室"
    page = issue(client_for(administrator), school_class).content.decode()
    assert page.count('<span>秋水中学心理辅导室</span>') == 2


@pytest.mark.django_db
def test_students_who_have_a_password_keep_it_unless_asked(client_for, administrator, student, newcomers, school_class):
    client = client_for(administrator)
    before = User.objects.get(pk=student.pk).password
    response = issue(client, school_class)
    assert [username for _n, username, _p in cards(response)] == ["20260001", "20260002"]
    student.refresh_from_db()
    assert student.password == before
    assert student.check_password(PASSWORD)
    assert not student.must_change_password

    response = issue(client, school_class, reissue=True)
    printed = {username: password for _n, username, password in cards(response)}
    # Ordered by student number: the fixture's student (sign-in name "student") is 20250001.
    assert list(printed) == ["student", "20260001", "20260002"]
    student.refresh_from_db()
    assert not student.check_password(PASSWORD)
    assert student.check_password(printed["student"])
    assert student.must_change_password


@pytest.mark.django_db
def test_first_sign_in_leads_to_the_password_change_until_it_is_done(client_for, administrator, newcomers, school_class):
    (_name, username, password), _second = cards(issue(client_for(administrator), school_class))
    client, response = sign_in(username, password)
    assert response.redirect_chain[-1][0] == reverse("password_change")
    assert "请先设置您自己的密码再继续。" in response.content.decode()
    for url in (reverse("home"), reverse("notifications"), reverse("appointments:book")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("password_change")
    # The sign-in pages stay open: the student can still sign out or switch the language.
    assert client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"}).status_code == 302
    assert client.get(reverse("password_change")).status_code == 200

    # With a wrong old password the form says only that: it must not confirm a guessed password.
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong-guess", "new_password1": password, "new_password2": password},
    )
    page = response.content.decode()
    assert "你的旧密码不正确。请重新输入。" in page
    assert "新密码不能与当前密码相同。" not in page

    # The sheet's password is refused as the new one: it was on paper.
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert "新密码不能与当前密码相同。" in response.content.decode()
    assert User.objects.get(username=username).must_change_password

    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    user = User.objects.get(username=username)
    assert not user.must_change_password
    assert user.check_password(NEW_PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    assert "请先设置您自己的密码" not in client.get(reverse("password_change")).content.decode()


@pytest.mark.django_db
def test_the_middleware_runs_after_authentication():
    middleware = list(settings.MIDDLEWARE)
    ours = middleware.index("counseling.middleware.RequirePasswordChangeMiddleware")
    assert ours > middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware")


@pytest.mark.django_db
def test_one_audit_entry_per_student_without_the_password(client_for, administrator, newcomers, school_class):
    response = issue(client_for(administrator), school_class)
    passwords = [password for _n, _u, password in cards(response)]
    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.actor_id, e.action, e.object_type, e.object_id, e.student_id, e.detail) for e in entries] == [
        (administrator.pk, "change", "counseling.user", str(user.pk), user.pk, AUDIT_DETAIL) for user in newcomers
    ]
    assert entries[0].ip_address == "127.0.0.1"
    stored = " ".join(str(value) for row in AuditEntry.objects.values() for value in row.values())
    for password in passwords:
        assert password not in stored


@pytest.mark.django_db
def test_the_sheet_is_never_cached(client_for, administrator, newcomers, school_class):
    response = issue(client_for(administrator), school_class)
    assert "no-store" in response["Cache-Control"]
    assert "no-store" in client_for(administrator).get(reverse("signin_sheets"))["Cache-Control"]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["student", "class_teacher", "counselor", "head", "leader"])
def test_only_administrators_issue_passwords(client_for, request, who, newcomers, school_class):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("signin_sheets")).status_code == 403
    assert issue(client, school_class).status_code == 403
    assert not User.objects.filter(must_change_password=True).exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, newcomers, school_class):
    response = issue(client, school_class)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not User.objects.filter(must_change_password=True).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["999999", "abc", ""])
def test_an_unknown_class_is_refused_and_changes_nothing(client_for, administrator, newcomers, value):
    before = list(User.objects.order_by("pk").values_list("password", "must_change_password"))
    response = client_for(administrator).post(reverse("signin_sheets"), {"school_class": value})
    assert response.status_code == 400
    page = response.content.decode()
    expected = "这个字段是必填项。" if value == "" else "请选择学校现有的一个班级。"
    assert expected in page
    assert 'data-testid="signin-card"' not in page
    assert list(User.objects.order_by("pk").values_list("password", "must_change_password")) == before
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_an_archived_class_is_refused(client_for, administrator, newcomers, school_class):
    school_class.is_archived = True
    school_class.save(update_fields=["is_archived"])
    response = issue(client_for(administrator), school_class)
    assert response.status_code == 400
    assert "请选择学校现有的一个班级。" in response.content.decode()
    assert not User.objects.filter(must_change_password=True).exists()


@pytest.mark.django_db
def test_the_form_shows_where_passwords_are_missing_and_changes_nothing(
    client_for, administrator, student, other_student, newcomers, school_class, other_class
):
    before = list(User.objects.order_by("pk").values_list("password", "must_change_password"))
    response = client_for(administrator).get(reverse("signin_sheets"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "密码只在下一页显示一次，请立即打印。" in page
    assert "已有密码的学生也发放新密码" in page
    assert re.search(
        rf'<tr data-testid="class-{school_class.pk}"><td>七年级1班</td><td>3</td><td><span class="badge text-bg-warning">2</span></td></tr>',
        page,
    )
    assert f'<tr data-testid="class-{other_class.pk}"><td>七年级2班</td><td>1</td><td>0</td></tr>' in page
    assert list(User.objects.order_by("pk").values_list("password", "must_change_password")) == before
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_a_class_with_nobody_to_issue_for_gets_a_message(client_for, administrator, student, school_class):
    response = issue(client_for(administrator), school_class)
    assert response.status_code == 200
    page = response.content.decode()
    assert "七年级1班的学生都已有密码，未发放任何密码。" in page
    assert 'data-testid="signin-card"' not in page
    assert not AuditEntry.objects.exists()
    student.refresh_from_db()
    assert student.check_password(PASSWORD)


@pytest.mark.django_db
def test_an_empty_class_gets_a_message_even_when_reissuing(client_for, administrator, school_class):
    response = issue(client_for(administrator), school_class, reissue=True)
    assert "七年级1班没有在读学生。" in response.content.decode()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_the_roster_import_result_links_to_the_sheets(client_for, administrator, school_class):
    client = client_for(administrator)
    roster = "学号,姓名,性别,出生日期,年级,班级\n20269001,林小雨,女,2013-03-04,七年级,1\n"
    response = client.post(reverse("roster_import"), {"file": SimpleUploadedFile("roster.csv", roster.encode())})
    page = response.content.decode()
    assert "1 名新学生还不能登录。" in page
    assert f'<a href="{reverse("signin_sheets")}">打印初始密码单，为他们发放初始密码</a>' in page

    response = client.post(reverse("roster_import"), {"file": SimpleUploadedFile("roster.csv", roster.encode())})
    assert 'data-testid="signin-sheets-link"' not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "sees"), [("administrator", True), ("counselor", False), ("head", False)])
def test_the_menu_offers_the_sheets_to_administrators(client_for, request, who, sees):
    labels = nav_labels(client_for(request.getfixturevalue(who)).get(reverse("home")).content.decode())
    assert ("初始密码单" in labels) is sees


@pytest.mark.django_db
def test_users_without_a_sheet_password_are_not_redirected(client_for, counselor, school_class):
    assert client_for(counselor).get(reverse("home")).status_code == 200
    assert client_for(make_student("plain", school_class)).get(reverse("home")).status_code == 200
