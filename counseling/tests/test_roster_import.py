"""The administrator's roster import: all rows checked first, one transaction, idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from counseling.models import SchoolClass, StudentProfile, User

HEADER = "学号,姓名,性别,出生日期,年级,班级,监护人,监护人电话\n"
GOOD = HEADER + (
    "20269001,林小雨,女,2013-03-04,七年级,1,林大山,13900000001\n"
    "20269002,周子轩,男,2013/11/20,七年级,3班,周建华,13900000002\n"
)


def upload(client, text: str, name: str = "roster.csv"):
    return client.post(reverse("roster_import"), {"file": SimpleUploadedFile(name, text.encode())})


@pytest.mark.django_db
def test_good_file_creates_students_and_missing_classes(client_for, administrator, school_class) -> None:
    response = upload(client_for(administrator), GOOD)
    assert response.status_code == 200
    page = response.content.decode()
    assert "花名册已导入：新增 2 人，更新 0 人，未变 0 人。" in page
    first = StudentProfile.objects.select_related("user", "school_class").get(student_number="20269001")
    assert first.user.name == "林小雨"
    assert first.school_class == school_class
    assert first.guardian_phone == "13900000001"
    assert not first.user.has_usable_password()
    second = StudentProfile.objects.get(student_number="20269002")
    assert second.school_class.number == 3
    assert SchoolClass.objects.filter(grade=school_class.grade).count() == 2


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing(client_for, administrator, school_class) -> None:
    client = client_for(administrator)
    upload(client, GOOD)
    before = list(StudentProfile.objects.order_by("id").values())
    response = upload(client, GOOD)
    assert "新增 0 人，更新 0 人，未变 2 人" in response.content.decode()
    assert list(StudentProfile.objects.order_by("id").values()) == before


@pytest.mark.django_db
def test_a_changed_row_updates_the_student(client_for, administrator, school_class) -> None:
    client = client_for(administrator)
    upload(client, GOOD)
    response = upload(client, GOOD.replace("13900000001", "13900000009"))
    assert "新增 0 人，更新 1 人，未变 1 人" in response.content.decode()
    assert StudentProfile.objects.get(student_number="20269001").guardian_phone == "13900000009"


@pytest.mark.django_db
def test_bad_rows_are_listed_and_nothing_is_imported(client_for, administrator, school_class) -> None:
    text = GOOD + "20269003,,未知,2013-02-30,九年级,x,,\n20269001,重复,女,2013-01-01,七年级,1,,\n"
    response = upload(client_for(administrator), text)
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有导入任何数据" in page
    assert "<td>4</td>" in page
    assert "姓名缺失" in page
    assert "性别必须是" in page
    assert "出生日期必须是" in page
    assert "未知的年级“九年级”" in page
    assert "<td>5</td>" in page
    assert "也出现在第 2 行" in page
    assert not StudentProfile.objects.exists()
    assert not User.objects.filter(username__startswith="2026").exists()


@pytest.mark.django_db
def test_xlsx_roster_is_read(client_for, administrator, school_class) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["学号", "姓名", "性别", "出生日期", "年级", "班级"])
    sheet.append([20269010, "何一诺", "女", "2013-06-01", "七年级", 1])
    data = io.BytesIO()
    workbook.save(data)
    client = client_for(administrator)
    response = client.post(reverse("roster_import"), {"file": SimpleUploadedFile("roster.xlsx", data.getvalue())})
    assert "新增 1 人" in response.content.decode()
    assert StudentProfile.objects.get(student_number="20269010").user.name == "何一诺"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("roster.txt", "hello", "请上传 .xlsx 或 .csv 文件。"),
        ("roster.xlsx", "not a zip", "该文件不是可读取的 Excel 工作簿。"),
        ("roster.csv", "a,b\n1,2\n", "表头缺少这些列"),
        ("roster.csv", "", "所提交的是空文件"),
    ],
)
def test_unreadable_files_get_a_clear_message(client_for, administrator, term, name, content, message) -> None:
    response = upload(client_for(administrator), content, name)
    assert message in response.content.decode()
    assert not StudentProfile.objects.exists()


@pytest.mark.django_db
def test_garbage_post_does_not_fail(client_for, administrator, term) -> None:
    response = client_for(administrator).post(reverse("roster_import"), {"file": "x" * 10000})
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["student", "class_teacher", "counselor", "head", "leader"])
def test_only_administrators_import(client_for, request, who, school_class) -> None:
    response = upload(client_for(request.getfixturevalue(who)), GOOD)
    assert response.status_code == 403
    assert not StudentProfile.objects.filter(student_number="20269001").exists()


@pytest.mark.django_db
def test_missing_columns_are_named_in_chinese_and_english(client_for, administrator, term) -> None:
    """An English header row missing two columns: the message names them as a Chinese school's file would."""
    response = upload(client_for(administrator), "student number,name,gender,grade\n20260001,李雷,男,初一\n")
    page = response.content.decode()
    assert response.status_code == 400
    assert "出生日期 (date of birth)、班级 (class)" in page
    assert not StudentProfile.objects.exists()
