"""Bad input never breaks a page: each cause of a 500 found by posting hostile values, and the checks a school asked for.

Each test posts what a user once posted, then checks what the user sees (the translated message,
in Chinese: the school's language) and that nothing was stored. They run on PostgreSQL too: NUL
in a string and years near 1 and 9999 behave differently there.
"""

from __future__ import annotations

import datetime
import logging
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from appointments.models import ClosedDay, ExtraSession, WeeklySchedule
from appointments.tests.factories import ExtraSessionFactory, WeeklyScheduleFactory
from campaigns.models import Campaign, RequiredReport
from campaigns.tests.factories import CampaignFactory, ContestFactory, ReportFactory, TaskFactory, make_entry
from counseling.cases.models import Escalation, SessionNote
from counseling.cases.services import crisis
from counseling.cases.tests.factories import CaseFactory, EscalationFactory, NoteFactory
from counseling.models import StudentProfile
from counseling.validators import SchoolDateValidator, school_date_range

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "请输入"  # "Enter a date between … and …" in Chinese
IN_FUTURE = "该时间在未来"


@pytest.fixture(autouse=True)
def chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


# --- Crises: the guardian contact --------------------------------------------------------------


def crisis_actions(escalation, **values) -> dict:
    return {
        "guardian_called": "on",
        "guardian_contact_by": "张老师",
        "guardian_contact_outcome": "母亲接听",
        **values,
    }


@pytest.mark.parametrize("when", ["0001-01-01T00:00", "9999-12-31T23:59", "1999-06-01T10:00"])
def test_a_guardian_contact_time_out_of_range_is_refused(cast, client_for, when) -> None:
    escalation = EscalationFactory(case=CaseFactory(student=cast.student, counselor=cast.counselor))
    response = client_for(cast.counselor).post(
        reverse("cases:crisis_actions", args=[escalation.pk]), crisis_actions(escalation, guardian_called_at=when)
    )
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()
    escalation.refresh_from_db()
    assert escalation.guardian_called_at is None
    assert escalation.guardian_contact_by == ""


def test_a_guardian_contact_time_in_the_future_is_refused(cast, client_for) -> None:
    escalation = EscalationFactory(case=CaseFactory(student=cast.student, counselor=cast.counselor))
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    response = client_for(cast.counselor).post(
        reverse("cases:crisis_actions", args=[escalation.pk]),
        crisis_actions(escalation, guardian_called_at=tomorrow.strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 200
    assert IN_FUTURE in response.content.decode()
    escalation.refresh_from_db()
    assert escalation.guardian_called_at is None


def plant_year_one_guardian_contact(escalation) -> None:
    """What the form used to store for 0001-01-01 00:00 typed in Beijing: a UTC time in year 0."""
    table = connection.ops.quote_name(Escalation._meta.db_table)
    stored = "0001-01-01 00:00:00+08:00" if connection.vendor == "postgresql" else "0000-12-31 16:00:00"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET guardian_called = %s, guardian_called_at = %s WHERE id = %s",  # noqa: S608
            [True, stored, escalation.pk],
        )


def test_a_stored_year_one_guardian_contact_is_cleared_and_the_crisis_pages_work_again(cast, client_for) -> None:
    case = CaseFactory(student=cast.student, counselor=cast.counselor)
    escalation = EscalationFactory(case=case)
    plant_year_one_guardian_contact(escalation)
    migration = import_module("counseling.cases.migrations.0007_bounded_dates")
    migration.clear_implausible_guardian_contact_times(apps, None)

    escalation = Escalation.objects.get(pk=escalation.pk)
    assert escalation.guardian_called is True
    assert escalation.guardian_called_at is None  # to be entered again: the case cannot close without it
    head = client_for(cast.head)
    for url in (
        reverse("cases:crisis_list"),
        reverse("cases:crisis_detail", args=[escalation.pk]),
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:case_print", args=[case.pk]),
    ):
        assert head.get(url).status_code == 200, url
    assert head.post(reverse("cases:crisis_acknowledge", args=[escalation.pk])).status_code == 302
    assert Escalation.objects.get(pk=escalation.pk).acknowledged_at is not None


def test_the_resend_job_skips_a_bad_row_and_reports_it_without_content(cast, caplog) -> None:
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    good = EscalationFactory(case=CaseFactory(student=cast.student, counselor=cast.counselor), last_sent_at=long_ago)
    bad = EscalationFactory(
        case=CaseFactory(student=cast.other_student, counselor=cast.counselor), last_sent_at=long_ago
    )
    # The last hour of year 9999 in UTC cannot be shown in Beijing time (OverflowError).
    Escalation.objects.filter(pk=bad.pk).update(raised_at=datetime.datetime(9999, 12, 31, 23, tzinfo=datetime.UTC))
    with caplog.at_level(logging.ERROR, logger="counseling.cases.services.crisis"):
        assert crisis.resend_unacknowledged() == 1
    assert Escalation.objects.get(pk=good.pk).rounds_sent == 2
    assert Escalation.objects.get(pk=bad.pk).rounds_sent == 1
    assert f"escalation {bad.pk} skipped" in caplog.text
    assert bad.narrative not in caplog.text
    assert cast.other_student.name not in caplog.text


# --- Session notes and searches ----------------------------------------------------------------


def test_a_note_dated_1999_is_refused(cast, client_for) -> None:
    case = CaseFactory(student=cast.student, counselor=cast.counselor)
    response = client_for(cast.counselor).post(
        reverse("cases:note_add", args=[case.pk]),
        {"held_on": "1999-03-01", "duration_minutes": "50", "content": "谈话内容", "channel": "face_to_face"},
    )
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()
    assert not SessionNote.objects.filter(case=case).exists()


def test_a_note_edit_to_year_9999_is_refused(cast, client_for) -> None:
    note = NoteFactory(case=CaseFactory(student=cast.student, counselor=cast.counselor))
    held_on = note.held_on
    response = client_for(cast.counselor).post(
        reverse("cases:note_edit", args=[note.pk]), {"held_on": "9999-12-31", "content": "x"}
    )
    assert response.status_code == 200
    note.refresh_from_db()
    assert note.held_on == held_on


@pytest.mark.parametrize(
    ("name", "who"),
    [("cases:case_list", "counselor"), ("cases:case_list", "head"), ("archives:archive_list", "counselor")],
)
def test_a_search_with_nul_finds_as_without_it(cast, client_for, name, who) -> None:
    CaseFactory(student=cast.student, counselor=cast.counselor)
    client = client_for(getattr(cast, who))
    response = client.get(reverse(name), {"q": f"{cast.student.name[:1]}\x00", "status": "\x00", "counselor": "²"})
    assert response.status_code == 200
    assert cast.student.name in response.content.decode()


# --- Campaigns ----------------------------------------------------------------------------------


@pytest.mark.parametrize("deadline", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_a_campaign_report_deadline_out_of_range_is_refused(cast, client_for, deadline) -> None:
    report = ReportFactory(campaign=CampaignFactory(organisers=[cast.counselor]))
    before = report.deadline
    response = client_for(cast.counselor).post(
        reverse("campaigns:report_edit", args=[report.pk]), {"title": "班会记录", "deadline": deadline}
    )
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()
    assert RequiredReport.objects.get(pk=report.pk).deadline == before
    assert client_for(cast.counselor).get(reverse("campaigns:detail", args=[report.campaign_id])).status_code == 200


def test_a_campaign_end_date_of_9999_is_refused(cast, client_for) -> None:
    campaign = CampaignFactory(organisers=[cast.counselor])
    end = campaign.end_date
    response = client_for(cast.counselor).post(
        reverse("campaigns:edit", args=[campaign.pk]),
        {
            "title": campaign.title,
            "kind": campaign.kind,
            "start_date": campaign.start_date.isoformat(),
            "end_date": "9999-12-31",
            "summary_due_days": "14",
        },
    )
    assert response.status_code == 200
    assert OUT_OF_RANGE in response.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).end_date == end


def test_a_new_campaign_starting_in_the_past_is_refused(cast, client_for) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client_for(cast.counselor).post(
        reverse("campaigns:create_blank"),
        {"title": "心理周", "kind": "week", "start_date": yesterday, "end_date": yesterday, "summary_due_days": "14"},
    )
    assert response.status_code == 200
    assert "新活动的开始日期不能早于今天" in response.content.decode()
    assert not Campaign.objects.exists()


def next_weekday(weekday: int) -> datetime.date:
    day = timezone.localdate() + datetime.timedelta(days=1)
    while day.weekday() != weekday:
        day += datetime.timedelta(days=1)
    return day


def test_a_525_template_whose_events_fall_on_a_weekend_is_created_with_a_warning(cast, client_for) -> None:
    # The 5·25 week has events on days 0, 2, 5 and 6: started on a Thursday, day 2 is a Saturday.
    start = next_weekday(3)
    client = client_for(cast.counselor)
    response = client.post(reverse("campaigns:create"), {"blueprint": "525-week", "start_date": start.isoformat()})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    saturday = start + datetime.timedelta(days=2)
    assert f"该模板的活动落在周末（{saturday.month}月{saturday.day}日）" in page
    assert Campaign.objects.count() == 1


def test_a_525_template_without_weekend_events_gives_no_warning(cast, client_for) -> None:
    # Events on days 0, 2, 5 and 6: Wednesday, Friday, Monday and Tuesday.
    client = client_for(cast.counselor)
    response = client.post(
        reverse("campaigns:create"), {"blueprint": "525-week", "start_date": next_weekday(2).isoformat()}
    )
    assert response.status_code == 302
    assert "该模板的活动落在周末" not in client.get(response["Location"]).content.decode()


def test_a_525_template_starting_in_the_past_is_refused(cast, client_for) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client_for(cast.counselor).post(
        reverse("campaigns:create"), {"blueprint": "525-week", "start_date": yesterday.isoformat()}
    )
    assert response.status_code == 200
    assert "新活动的开始日期不能早于今天" in response.content.decode()
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("target", ["abc", "campaigns:detail", "//evil.example/", "https://evil.example/"])
def test_a_task_status_post_with_a_bad_next_goes_back_to_the_campaign(cast, client_for, target) -> None:
    task = TaskFactory(campaign=CampaignFactory(organisers=[cast.counselor]), owner=cast.counselor)
    response = client_for(cast.counselor).post(
        reverse("campaigns:task_status", args=[task.pk]), {"status": "done", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:detail", args=[task.campaign_id])


def test_a_stored_upload_whose_file_is_missing_is_a_404(cast, client_for, school_class, caplog) -> None:
    entry = make_entry(ContestFactory(), school_class, cast.class_teacher)
    entry.file.storage.delete(entry.file.name)
    with caplog.at_level(logging.WARNING, logger="campaigns.services.files"):
        response = client_for(cast.class_teacher).get(reverse("campaigns:entry_file", args=[entry.pk]))
    assert response.status_code == 404
    assert f"stored file missing for campaigns.Entry {entry.pk}" in caplog.text


# --- Opening hours ------------------------------------------------------------------------------


def test_a_closed_day_ending_in_9999_is_refused(cast, client_for) -> None:
    response = client_for(cast.head).post(
        reverse("appointments:closed_new"),
        {"start_date": timezone.localdate().isoformat(), "end_date": "9999-12-31", "reason": "假期"},
    )
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()
    assert not ClosedDay.objects.exists()


@pytest.mark.parametrize("minutes", ["99999999999999999999", "32767", "5"])
def test_a_slot_length_out_of_range_is_refused(cast, client_for, minutes) -> None:
    response = client_for(cast.head).post(
        reverse("appointments:extra_new"),
        {
            "counselor": cast.counselor.pk,
            "date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "start_time": "14:00",
            "end_time": "16:00",
            "room": "301",
            "slot_minutes": minutes,
        },
    )
    assert response.status_code == 400
    assert not ExtraSession.objects.exists()


def test_overlapping_weekly_hours_of_one_counselor_are_refused(cast, client_for, term) -> None:
    WeeklyScheduleFactory(counselor=cast.counselor, term=term, weekday=0, start_time="16:00", end_time="17:30")
    data = {
        "counselor": cast.counselor.pk,
        "term": term.pk,
        "weekday": "0",
        "start_time": "17:00",
        "end_time": "18:00",
        "room": "302",
        "slot_minutes": "30",
    }
    response = client_for(cast.head).post(reverse("appointments:schedule_new"), data)
    assert response.status_code == 400
    assert "该时段与这位咨询师当天的其他开放时间重叠" in response.content.decode()
    assert WeeklySchedule.objects.count() == 1
    # Another counselor, or the same counselor right after, is fine.
    assert (
        client_for(cast.head).post(reverse("appointments:schedule_new"), {**data, "start_time": "17:30"}).status_code
        == 302
    )
    data["counselor"] = cast.other_counselor.pk
    assert client_for(cast.head).post(reverse("appointments:schedule_new"), data).status_code == 302


def test_overlapping_extra_sessions_of_one_counselor_are_refused(cast, client_for) -> None:
    day = timezone.localdate() + datetime.timedelta(days=3)
    ExtraSessionFactory(counselor=cast.counselor, date=day, start_time="09:00", end_time="10:00")
    response = client_for(cast.head).post(
        reverse("appointments:extra_new"),
        {
            "counselor": cast.counselor.pk,
            "date": day.isoformat(),
            "start_time": "09:30",
            "end_time": "11:00",
            "room": "301",
            "slot_minutes": "30",
        },
    )
    assert response.status_code == 400
    assert "该时段与这位咨询师当天的其他开放时间重叠" in response.content.decode()
    assert ExtraSession.objects.count() == 1


# --- The roster import --------------------------------------------------------------------------

HEADER = "学号,姓名,性别,出生日期,年级,班级,监护人,监护人电话\n"


def roster(client, text: str):
    return client.post(reverse("roster_import"), {"file": SimpleUploadedFile("roster.csv", text.encode())})


def test_a_200000_character_csv_cell_is_refused(cast, client_for, school_class) -> None:
    before = StudentProfile.objects.count()
    response = roster(
        client_for(cast.administrator),
        HEADER + f"20269001,{'林' * 200_000},女,2013-03-04,七年级,1,林大山,13900000001\n",
    )
    assert response.status_code == 400
    assert "该文件不是可读取的 CSV 表格" in response.content.decode()
    assert StudentProfile.objects.count() == before


def test_a_guardian_phone_that_is_not_a_phone_is_refused(cast, client_for, school_class) -> None:
    before = StudentProfile.objects.count()
    response = roster(
        client_for(cast.administrator), HEADER + "20269001,林小雨,女,2013-03-04,七年级,1,林大山,abc-not-a-phone\n"
    )
    assert response.status_code == 400
    assert "监护人电话必须是电话号码" in response.content.decode()
    assert StudentProfile.objects.count() == before


def test_a_birth_date_of_year_one_is_refused(cast, client_for, school_class) -> None:
    before = StudentProfile.objects.count()
    response = roster(
        client_for(cast.administrator), HEADER + "20269001,林小雨,女,0001-01-01,七年级,1,林大山,13900000001\n"
    )
    assert response.status_code == 400
    assert "出生日期不是学生可能的日期" in response.content.decode()
    assert StudentProfile.objects.count() == before


def test_the_school_date_bounds_follow_today() -> None:
    first, last = school_date_range()
    today = timezone.localdate()
    assert (first.year, last.year) == (today.year - 10, today.year + 5)
    SchoolDateValidator()(today)
    with pytest.raises(ValidationError):
        SchoolDateValidator()(datetime.date(1, 1, 1))
    with pytest.raises(ValidationError):
        SchoolDateValidator(past_only=True)(timezone.now() + datetime.timedelta(hours=1))


@pytest.mark.django_db
def test_an_id_too_large_for_any_key_is_an_invalid_choice_not_an_error(grade) -> None:
    from django import forms as django_forms

    from counseling.forms import BoundedInputMixin
    from counseling.models import Grade

    class Pick(BoundedInputMixin, django_forms.Form):
        one = django_forms.ModelChoiceField(queryset=Grade.objects.all(), required=False)
        many = django_forms.ModelMultipleChoiceField(queryset=Grade.objects.all(), required=False)

    huge = "99999999999999999999"
    form = Pick({"one": huge, "many": [huge]})
    assert not form.is_valid()
    assert set(form.errors) == {"one", "many"}
    assert Pick({"one": grade.pk, "many": [grade.pk]}).is_valid()
