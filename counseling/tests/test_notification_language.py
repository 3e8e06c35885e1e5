"""A notice is read in its reader's language, whatever language the school wrote it in.

Notices are stored as message ids with arguments and rendered on the page in the language the
reader chose (the language cookie the language switch sets, else the browser's Accept-Language).
"""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, gettext_noop

from appointments.services import notices as appointment_notices
from appointments.tests.factories import AppointmentFactory
from archives.models import FocusLevel
from archives.services import focus
from campaigns.services.work import save_task
from campaigns.tests.factories import CampaignFactory, TaskFactory
from counseling.cases.enums import CaseSource
from counseling.cases.services.crisis import escalate
from counseling.models import ConcernCategory, Notification
from counseling.models.staff import StaffRequestKind
from counseling.services import staff_requests
from counseling.services.digest import send_daily_digests, send_weekly_note
from counseling.services.messages import Msg, render
from counseling.services.notify import Kind, deliver_due, notify
from counseling.tests import notices

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client_for):
    """``reader(user, language)``: the notifications page as ``user`` reads it, language chosen by cookie."""

    def page(user, language: str) -> str:
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client.get(reverse("notifications")).content.decode()

    return page


def test_a_notice_written_in_chinese_time_is_read_in_english_and_in_chinese(reader, counselor) -> None:
    with translation.override("zh-hans"):
        notify(
            counselor,
            key="test:complaint",
            title=Msg(gettext_noop("A new complaint was filed")),
            body=Msg(gettext_noop("Reminder: %(title)s"), title=Msg(gettext_noop("A new complaint was filed"))),
            kind=Kind.TASK,
        )
    deliver_due()
    english = reader(counselor, "en")
    assert "A new complaint was filed" in english and "Reminder: A new complaint was filed" in english
    assert "收到一条新投诉" not in english
    chinese = reader(counselor, "zh-hans")
    assert "收到一条新投诉" in chinese and "提醒：收到一条新投诉" in chinese
    assert "A new complaint was filed" not in chinese


def test_the_browser_language_picks_the_language_when_none_was_chosen(client_for, counselor) -> None:
    notify(counselor, key="test:browser", title=Msg(gettext_noop("A new complaint was filed")))
    deliver_due()
    client = client_for(counselor)
    english = client.get(reverse("notifications"), headers={"accept-language": "en"}).content.decode()
    chinese = client.get(reverse("notifications"), headers={"accept-language": "zh-hans"}).content.decode()
    assert "A new complaint was filed" in english and "收到一条新投诉" not in english
    assert "收到一条新投诉" in chinese


def test_a_date_argument_is_shown_in_the_readers_date_format(reader, counselor, student) -> None:
    due = datetime.date(2027, 3, 5)
    with translation.override("zh-hans"):
        notify(
            counselor,
            key="test:followup",
            title=Msg(gettext_noop("Follow-up due %(day)s: %(student)s"), day=due, student=student.get_full_name()),
        )
    deliver_due()
    assert notices.day(due, "en") != notices.day(due, "zh-hans")
    english = reader(counselor, "en")
    assert f"Follow-up due {notices.day(due, 'en')}: {student.get_full_name()}" in english
    assert notices.day(due, "zh-hans") not in english
    chinese = reader(counselor, "zh-hans")
    assert f"{notices.day(due, 'zh-hans')} 到期的跟进：{student.get_full_name()}" in chinese


def test_an_old_notice_with_only_text_still_shows(reader, counselor) -> None:
    Notification.objects.create(user=counselor, title="旧的通知：请查看个案", body="旧的正文")
    page = reader(counselor, "en")
    assert "旧的通知：请查看个案" in page and "旧的正文" in page


def test_the_home_page_lists_unread_notices_in_the_readers_language(client_for, counselor) -> None:
    with translation.override("zh-hans"):
        notify(counselor, key="test:home", title=Msg(gettext_noop("A new complaint was filed")))
    deliver_due()
    client = client_for(counselor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("home")).content.decode()
    assert "A new complaint was filed" in page and "收到一条新投诉" not in page


def test_the_quiet_email_still_names_only_the_kind(counselor, student) -> None:
    notify(
        counselor,
        key="test:mail",
        title=Msg(gettext_noop("Follow-up due %(day)s: %(student)s"), day=timezone.localdate(), student=student.name),
        kind=Kind.TASK,
    )
    deliver_due()
    (message,) = mail.outbox
    assert student.name not in message.subject + message.body
    with translation.override(settings.LANGUAGE_CODE):
        assert str(Kind.TASK) in message.body


# One notice from each app's callers, read by an English reader.


def test_appointment_booked_and_cancelled_notices_read_in_english(reader, counselor, student) -> None:
    starts = timezone.now() + datetime.timedelta(days=2)
    appointment = AppointmentFactory(student=student, counselor=counselor, starts_at=starts)
    with translation.override("zh-hans"):
        appointment_notices.booked(appointment, by=student)
        appointment_notices.cancelled(appointment, by=student)
    deliver_due()
    page = reader(counselor, "en")
    assert f"New appointment: {student.name}, {notices.when(starts)}" in page
    assert f"Appointment cancelled: {notices.when(starts)}" in page
    assert f"{notices.when(starts)} · Face to face · 301" in page
    assert "新预约" not in page and "面谈" not in page
    chinese = reader(counselor, "zh-hans")
    assert f"新预约：{student.name}，{notices.when(starts, 'zh-hans')}" in chinese
    assert f"{notices.when(starts, 'zh-hans')} · 面谈 · 301" in chinese


def test_a_crisis_escalation_reads_in_english(reader, head, counselor, student) -> None:
    with translation.override("zh-hans"):
        escalation = escalate(student=student, raised_by=counselor, source=CaseSource.CRISIS, risk_level="high")
    deliver_due()
    page = reader(head, "en")
    assert f"Crisis escalation for {student.get_full_name()}, {notices.when(escalation.raised_at)}" in page
    assert "Open the counseling office site to see the facts and acknowledge the escalation." in page
    assert "危机上报" not in page


def test_a_campaign_task_reads_in_english(reader, counselor, head) -> None:
    campaign = CampaignFactory(title="心理健康活动周")
    task = TaskFactory.build(campaign=campaign, owner=counselor, title="邀请讲座专家")
    with translation.override("zh-hans"):
        save_task(task, by=head)
    deliver_due()
    page = reader(counselor, "en")
    assert f"New task in “心理健康活动周”: 邀请讲座专家, due {notices.day(task.due_date)}" in page


def test_a_focus_list_notice_to_the_class_teacher_reads_in_english(reader, counselor, class_teacher, student) -> None:
    category = ConcernCategory.objects.get_or_create(code="family", defaults={"name_zh": "家庭", "name_en": "Family"})[
        0
    ]
    with translation.override("zh-hans"):
        focus.add(student, level=FocusLevel.KEY, category=category, teacher_request="", note="", by=counselor)
    deliver_due()
    page = reader(class_teacher, "en")
    assert f"{student.get_full_name()} of your class is on the focus list" in page
    assert "重点关注名单" not in page


def test_a_staff_account_request_reads_in_english(reader, head, administrator, counselor) -> None:
    with translation.override("zh-hans"):
        staff_requests.propose(kind=StaffRequestKind.RESET_PASSWORD, target=counselor, by=administrator)
    deliver_due()
    page = reader(head, "en")
    expected = (
        f"Account request to confirm: a new password for {counselor.get_full_name()} "
        f"(proposed by {administrator.get_full_name()})"
    )
    assert expected in page
    assert "待确认的账户申请" not in page
    chinese = reader(head, "zh-hans")
    assert f"待确认的账户申请：为 {counselor.get_full_name()} 重置密码" in chinese


def test_the_daily_digest_and_the_weekly_note_read_in_the_readers_language(reader, counselor, head) -> None:
    today = timezone.localdate()
    campaign = CampaignFactory(title="心理健康活动周")
    TaskFactory(campaign=campaign, owner=counselor, title="邀请讲座专家", due_date=today - datetime.timedelta(days=2))
    with translation.override("zh-hans"):
        assert send_daily_digests(today) >= 1
        assert send_weekly_note(today) == 1
    deliver_due()
    page = reader(counselor, "en")
    assert f"Your day, {notices.day(today)}" in page
    overdue = notices.day(today - datetime.timedelta(days=2))
    assert f"- Overdue task: 邀请讲座专家 (心理健康活动周), due {overdue}" in page
    assert "逾期任务" not in page
    weekly = reader(head, "en")
    assert "Last week in the counseling office" in weekly and "- Cases opened: 0" in weekly
    chinese = reader(head, "zh-hans")
    assert "- 新开个案：0" in chinese and "Cases opened" not in chinese


def test_a_message_whose_arguments_do_not_fit_shows_its_english_text(counselor) -> None:
    """A stored message that no longer fits its text never breaks the page: the bare English text is shown."""
    stored = Msg(gettext_noop("Follow-up due %(day)s: %(student)s"), day=timezone.localdate(), student="x").as_data()
    stored["args"].pop("student")
    with translation.override("zh-hans"):
        assert render(stored) == "Follow-up due %(day)s: %(student)s"


def test_only_message_ids_and_lazy_strings_are_stored() -> None:
    with pytest.raises(TypeError):
        Msg(gettext_lazy("A new complaint was filed"))
    with pytest.raises(TypeError):
        Msg.ngettext("%(count)d risk signal to watch", "%(count)d risk signals to watch")
