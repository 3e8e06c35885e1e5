"""A student's data on request: the head counselor's ZIP, its contents and its audit entries."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from counseling.enums import ConsentPurpose, ConsentState
from counseling.models import AuditEntry, Notification
from counseling.models.audit import AuditAction
from counseling.schoolyear.models import DataExport
from counseling.services.consent import record_consent


def unzip(response) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


@pytest.mark.django_db
def test_the_head_counselor_finds_the_student(client_for, head, student, other_student) -> None:
    page = client_for(head).get(reverse("schoolyear:export_search"), {"q": "20250001"}).content.decode()
    assert reverse("schoolyear:export_student", args=[student.pk]) in page
    assert reverse("schoolyear:export_student", args=[other_student.pk]) not in page


@pytest.mark.django_db
def test_the_zip_holds_the_profile_consent_and_notifications(client_for, head, class_teacher, student) -> None:
    record_consent(
        student=student,
        purpose=ConsentPurpose.SCREENING,
        state=ConsentState.GIVEN,
        dated=student.date_joined.date(),
        method="paper",
        reference="SC-07",
        by=class_teacher,
    )
    Notification.objects.create(user=student, title="预约已确认")
    response = client_for(head).post(
        reverse("schoolyear:export_student", args=[student.pk]), {"reason": "母亲11月20日书面申请"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="student-data-20250001-')
    files = unzip(response)
    assert {"README.txt", "counseling/profile.json", "counseling/notifications.csv", "schoolyear/consent.csv"} <= set(
        files
    )
    profile = json.loads(files["counseling/profile.json"])
    assert (profile["name"], profile["student_number"], profile["guardian_phone"]) == (
        student.name,
        "20250001",
        "13800000000",
    )
    assert "SC-07" in files["schoolyear/consent.csv"] and "王老师" in files["schoolyear/consent.csv"]
    assert "预约已确认" in files["counseling/notifications.csv"]
    assert "母亲11月20日书面申请" in files["README.txt"]
    assert "cases/" not in "".join(files)  # case records only after the second confirmation

    export = DataExport.objects.get()
    assert (export.student, export.requested_by, export.includes_confidential) == (student, head, False)
    assert export.files == sorted(files, key=lambda name: (name != "README.txt", name))
    assert len(export.sha256) == 64 and export.size == len(response.content)
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="counseling.user")
    assert (entry.actor, entry.student_id, entry.detail) == (head, student.pk, f"student data export #{export.pk}")
    assert AuditEntry.objects.for_object(export).get().action == AuditAction.EXPORT


@pytest.mark.django_db
def test_a_graduate_can_be_exported(client_for, head, student) -> None:
    profile = student.student_profile
    profile.is_archived = True
    profile.save(update_fields=["is_archived"])
    student.is_active = False
    student.save(update_fields=["is_active"])
    response = client_for(head).post(
        reverse("schoolyear:export_student", args=[student.pk]), {"reason": "毕业生本人申请"}
    )
    assert json.loads(unzip(response)["counseling/profile.json"])["graduated_or_left"] is True


@pytest.mark.django_db
def test_no_reason_no_zip(client_for, head, student) -> None:
    response = client_for(head).post(reverse("schoolyear:export_student", args=[student.pk]), {"reason": ""})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert not DataExport.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_only_the_head_counselor_exports(client_for, administrator, counselor, leader, student) -> None:
    for user in (administrator, counselor, leader, student):
        response = client_for(user).post(reverse("schoolyear:export_student", args=[student.pk]), {"reason": "x"})
        assert response.status_code == 403
    assert not DataExport.objects.exists()


@pytest.mark.django_db
def test_a_staff_member_is_not_a_student_to_export(client_for, head, counselor) -> None:
    assert client_for(head).get(reverse("schoolyear:export_student", args=[counselor.pk])).status_code == 404
