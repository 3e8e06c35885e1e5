"""Staff accounts and the directory in the product (administrator), recovery codes, the first head counselor."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from counseling.enums import Role
from counseling.models import AuditEntry, ConcernCategory, OutboxMessage, StaffRequest, User
from counseling.tests.factories import PASSWORD
from counseling.tests.twofactor_helpers import current_code

pytestmark = pytest.mark.django_db


def _audit(obj) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).values_list(
            "action", "detail"
        )
    )


def test_the_staff_list_shows_staff_not_students(client_for, administrator, counselor, student) -> None:
    page = client_for(administrator).get(reverse("staff_list")).content.decode()
    table = page.split('data-testid="staff-table"')[1]
    assert counselor.name in table and "心理辅导教师" in table
    assert student.username not in table


@pytest.mark.parametrize("who", ["student", "class_teacher", "counselor", "head", "leader"])
def test_only_the_administrator_manages_staff(request, client_for, who, counselor) -> None:
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("staff_list")).status_code == 403
    assert client.post(reverse("staff_role", args=[counselor.pk]), {"role": Role.CLASS_TEACHER}).status_code == 403
    counselor.refresh_from_db()
    assert counselor.role == Role.COUNSELOR


def test_a_students_account_is_not_a_staff_account(client_for, administrator, student) -> None:
    client = client_for(administrator)
    assert client.get(reverse("staff_detail", args=[student.pk])).status_code == 404
    assert client.post(reverse("staff_role", args=[student.pk]), {"role": Role.ADMINISTRATOR}).status_code == 404


def test_creating_a_class_teacher_gives_the_administrator_a_set_password_link(client_for, administrator) -> None:
    response = client_for(administrator).post(
        reverse("staff_create"),
        {
            "username": "newteacher",
            "name": "钱老师",
            "email": "qian@school.example",
            "phone": "",
            "role": Role.CLASS_TEACHER,
        },
    )
    assert response.status_code == 200
    link = response.content.decode().split('data-testid="set-password-link">')[1].split("<")[0]
    assert link.startswith("http://testserver/accounts/set-password/")
    user = User.objects.get(username="newteacher")
    assert user.is_active and user.role == Role.CLASS_TEACHER and not user.has_usable_password()
    assert _audit(user) == [("create", "staff account, role class_teacher")]


def test_creating_a_counselor_waits_for_a_head_counselor(client_for, administrator, head) -> None:
    response = client_for(administrator).post(
        reverse("staff_create"),
        {"username": "newcounselor", "name": "孙老师", "email": "", "phone": "", "role": Role.COUNSELOR},
        follow=True,
    )
    page = response.content.decode()
    assert "须由心理辅导室主任在 72 小时内确认后才会生效" in page
    assert 'data-testid="set-password-link"' not in page
    user = User.objects.get(username="newcounselor")
    assert not user.is_active
    assert StaffRequest.objects.get().target == user
    assert OutboxMessage.objects.filter(recipient=head).count() == 1


def test_bad_input_creates_nothing_and_says_why(client_for, administrator, counselor) -> None:
    response = client_for(administrator).post(
        reverse("staff_create"), {"username": counselor.username, "name": "", "role": "wizard"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "已存在一位使用该名字的用户" in page or "已存在" in page
    assert "这个字段是必填项" in page
    assert User.objects.count() == 2  # the administrator and the counselor


def test_changing_to_a_role_that_reads_no_confidential_content_is_at_once(client_for, administrator, counselor) -> None:
    response = client_for(administrator).post(
        reverse("staff_role", args=[counselor.pk]), {"role": Role.CLASS_TEACHER}, follow=True
    )
    assert "身份已更改" in response.content.decode()
    counselor.refresh_from_db()
    assert counselor.role == Role.CLASS_TEACHER
    assert _audit(counselor) == [("change", "role counselor -> class_teacher")]
    assert not StaffRequest.objects.exists()


def test_an_unknown_role_is_refused_with_a_message(client_for, administrator, class_teacher) -> None:
    response = client_for(administrator).post(
        reverse("staff_role", args=[class_teacher.pk]), {"role": "student"}, follow=True
    )
    assert "请选择一种教职工身份" in response.content.decode()
    class_teacher.refresh_from_db()
    assert class_teacher.role == Role.CLASS_TEACHER


def test_deactivating_keeps_the_account_and_its_records(client_for, administrator, counselor) -> None:
    client = client_for(administrator)
    response = client.post(reverse("staff_active", args=[counselor.pk]), {"active": "0"}, follow=True)
    assert "账户已停用" in response.content.decode()
    counselor.refresh_from_db()
    assert not counselor.is_active
    assert _audit(counselor) == [("change", "deactivated")]
    # Reactivating a role that reads confidential content is a proposal.
    client.post(reverse("staff_active", args=[counselor.pk]), {"active": "1"})
    counselor.refresh_from_db()
    assert not counselor.is_active and StaffRequest.objects.get().target == counselor


def test_the_administrator_cannot_deactivate_themselves(client_for, administrator) -> None:
    response = client_for(administrator).post(
        reverse("staff_active", args=[administrator.pk]), {"active": "0"}, follow=True
    )
    assert "您不能停用或重新启用自己的账户" in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.is_active


def test_a_class_teachers_password_is_reset_at_once(client_for, administrator, class_teacher) -> None:
    response = client_for(administrator).post(reverse("staff_reset", args=[class_teacher.pk]), {"what": "password"})
    assert 'data-testid="set-password-link"' in response.content.decode()
    class_teacher.refresh_from_db()
    assert not class_teacher.check_password(PASSWORD)
    assert _audit(class_teacher) == [("change", "password reset")]
    bad = client_for(administrator).post(
        reverse("staff_reset", args=[class_teacher.pk]), {"what": "everything"}, follow=True
    )
    assert "请选择要重置的内容" in bad.content.decode()


def test_class_teachers_are_assigned_to_classes(client_for, administrator, school_class, other_teacher) -> None:
    client = client_for(administrator)
    page = client.get(reverse("directory_classes")).content.decode()
    assert str(school_class) in page and other_teacher.name in page
    response = client.post(
        reverse("directory_classes"), {"school_class": school_class.pk, "teacher": other_teacher.pk}, follow=True
    )
    assert "班主任已保存" in response.content.decode()
    school_class.refresh_from_db()
    assert school_class.class_teacher == other_teacher
    assert _audit(school_class) == [("change", f"class teacher #{other_teacher.pk}")]


def test_a_class_teacher_must_be_an_active_class_teacher(
    client_for, administrator, school_class, counselor, class_teacher
) -> None:
    response = client_for(administrator).post(
        reverse("directory_classes"), {"school_class": school_class.pk, "teacher": counselor.pk}
    )
    assert response.status_code == 400
    assert "请选择一位在职的班主任" in response.content.decode()
    school_class.refresh_from_db()
    assert school_class.class_teacher == class_teacher


def test_the_committee_member_flag(client_for, administrator, student, school_class) -> None:
    client = client_for(administrator)
    page = client.get(reverse("directory_committee"), {"class": school_class.pk}).content.decode()
    assert student.student_profile.student_number in page
    client.post(reverse("directory_committee_set"), {"student": student.student_profile.pk, "member": "on"})
    student.student_profile.refresh_from_db()
    assert student.student_profile.is_committee_member
    assert student.has_perm("cases.refer_student")
    client.post(reverse("directory_committee_set"), {"student": student.student_profile.pk})
    student.student_profile.refresh_from_db()
    assert not student.student_profile.is_committee_member
    entries = AuditEntry.objects.filter(object_type="counseling.studentprofile")
    assert [entry.detail for entry in entries] == ["committee member yes", "committee member no"]
    assert {entry.student_id for entry in entries} == {student.pk}
    bad = client.post(reverse("directory_committee_set"), {"student": "999999", "member": "on"}, follow=True)
    assert "请选择一名在读学生" in bad.content.decode()


def test_concern_categories_are_created_and_edited(client_for, administrator) -> None:
    client = client_for(administrator)
    data = {"code": "sleep", "name_zh": "睡眠", "name_en": "Sleep", "order": 50, "is_active": "on"}
    response = client.post(reverse("directory_category_new"), data, follow=True)
    assert "问题类别已保存" in response.content.decode()
    category = ConcernCategory.objects.get(code="sleep")
    client.post(reverse("directory_category_edit", args=[category.pk]), {**data, "signals_risk": "on", "is_active": ""})
    category.refresh_from_db()
    assert category.signals_risk and not category.is_active
    assert _audit(category) == [("create", "concern category"), ("change", "concern category")]
    duplicate = client.post(reverse("directory_category_new"), data)
    assert duplicate.status_code == 400 and ConcernCategory.objects.filter(code="sleep").count() == 1


@pytest.mark.parametrize("url", ["directory_classes", "directory_committee", "directory_categories"])
def test_directory_pages_are_the_administrators(client_for, head, url) -> None:
    assert client_for(head).get(reverse(url)).status_code == 403


# Recovery codes


def _enrol(client, user) -> list[str]:
    client.get(reverse("two_factor"))
    device = TOTPDevice.objects.get(user=user)
    page = client.post(reverse("two_factor"), {"token": current_code(device), "next": "/"}).content.decode()
    block = page.split('data-testid="recovery-codes">')[1].split("</ul>")[0]
    return [line.split(">")[1].split("<")[0] for line in block.split("<li")[1:]]


def test_recovery_codes_are_shown_once_at_enrolment_and_each_works_once(client_for, counselor) -> None:
    codes = _enrol(client_for(counselor), counselor)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=counselor).count() == 10

    with override_settings(REQUIRE_STAFF_2FA=True):
        fresh = client_for(counselor)
        assert fresh.get(reverse("cases:case_list")).status_code == 302
        response = fresh.post(reverse("two_factor"), {"token": codes[0], "next": reverse("cases:case_list")})
        assert response.status_code == 302 and response["Location"] == reverse("cases:case_list")
        assert fresh.get(reverse("cases:case_list")).status_code == 200

        again = client_for(counselor).post(reverse("two_factor"), {"token": codes[0], "next": "/"})
        assert again.status_code == 200 and "验证码无效" in again.content.decode()
    assert StaticToken.objects.filter(device__user=counselor).count() == 9
    page = client_for(counselor).get(reverse("recovery_codes")).content.decode()
    assert "您还有 9 个未使用的恢复码" in page


def test_new_recovery_codes_need_a_verified_session(client_for, counselor) -> None:
    client = client_for(counselor)
    old = _enrol(client, counselor)
    new_page = client.post(reverse("recovery_codes")).content.decode()
    assert 'data-testid="recovery-codes"' in new_page
    assert not StaticToken.objects.filter(device__user=counselor, token__in=old).exists()
    unverified = client_for(counselor).post(reverse("recovery_codes"))
    assert unverified.status_code == 302 and unverified["Location"].startswith(reverse("two_factor"))


# The first head counselor


def test_create_head_counselor_without_a_terminal_prints_a_one_time_link() -> None:
    out = StringIO()
    call_command("create_head_counselor", "chen", name="陈主任", stdout=out)
    head = User.objects.get(username="chen")
    assert head.role == Role.HEAD_COUNSELOR and head.is_active and not head.has_usable_password()
    assert "/accounts/set-password/" in out.getvalue()
    assert _audit(head) == [("create", "account, role head_counselor, created on the command line")]
    with pytest.raises(CommandError, match=r"chen"):
        call_command("create_head_counselor", "chen", name="另一位", stdout=StringIO())


@pytest.mark.parametrize("role", [Role.CLASS_TEACHER, Role.COUNSELOR, Role.HEAD_COUNSELOR])
def test_the_administrator_cannot_change_their_own_role(client_for, administrator, role) -> None:
    """Not even to class teacher, which reads no case but sees its class's focus list."""
    response = client_for(administrator).post(
        reverse("staff_role", args=[administrator.pk]), {"role": role}, follow=True
    )
    assert "您不能更改自己的角色，须由他人操作。" in response.content.decode()
    administrator.refresh_from_db()
    assert administrator.role == Role.ADMINISTRATOR
    assert not StaffRequest.objects.exists()
