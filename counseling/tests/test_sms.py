"""The SMS channel behind the outbox: the Alibaba Cloud adapter against a local fake of its API.

A text is sent once, after the in-app notice, saying only the school's name, a quiet kind and a
link; a provider error is retried by a later scan, an invalid number never; two workers never
send it twice; the log never holds a whole number or the text.
"""

from __future__ import annotations

import datetime
import io
import logging
import os
import subprocess
import sys
import threading

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from counseling.models import Notification, OutboxMessage
from counseling.services import sms
from counseling.services.notify import SMS_MAX_ATTEMPTS, Kind, deliver_due, notify, schedule
from counseling.services.sms import ConsoleBackend, QuietText, aliyun_signature
from counseling.tests import fake_aliyun_sms

SITE = "https://counseling.school.example"


@pytest.fixture
def fake(settings):
    """The fake provider on a local port, and the settings that point the Alibaba adapter at it."""
    server = fake_aliyun_sms.start()
    settings.SMS_BACKEND = "counseling.services.sms.AliyunBackend"
    settings.SMS_ENDPOINT = server.url
    settings.SMS_ACCESS_KEY_ID = fake_aliyun_sms.ACCESS_KEY_ID
    settings.SMS_ACCESS_KEY_SECRET = fake_aliyun_sms.ACCESS_KEY_SECRET
    settings.SMS_SIGN_NAME = fake_aliyun_sms.SIGN_NAME
    settings.SMS_TEMPLATE_CODE = fake_aliyun_sms.TEMPLATE_CODE
    settings.SMS_TIMEOUT = 5
    settings.SITE_URL = SITE
    yield server
    fake_aliyun_sms.stop(server)


def _text_for(guardian, key="consent:1", **kwargs) -> OutboxMessage:
    defaults = {"title": "请为张小明的心理普查签署知情同意", "kind": Kind.FAMILY_CONSENT, "url": "/archives/consent/1/"}
    notify(guardian, key=key, sms=True, **{**defaults, **kwargs})
    return OutboxMessage.objects.get(dedupe_key=key)


# --- the signature, as the provider's documents compute it ------------------------------------


def test_the_signature_is_the_one_in_the_providers_sendsms_example() -> None:
    # The worked SendSms example of Alibaba Cloud's "签名机制" page (AccessKeySecret testSecret).
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert aliyun_signature(params, "testSecret", "GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="
    # ... and the fake checks signatures by the documents' own recipe, which agrees.
    assert fake_aliyun_sms.expected_signature(params, "testSecret", "GET") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_the_signature_is_the_one_in_the_rpc_signature_example() -> None:
    # The DescribeRegions example of the RPC signature mechanism page (AccessKeySecret testsecret).
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert aliyun_signature(params, "testsecret", "GET") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


# --- a sent message ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_guardians_notice_reaches_the_app_and_the_phone_once(
    fake, guardian, student, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            guardian,
            key="consent:1",
            title=f"请为{student.get_full_name()}的心理普查签署知情同意",
            kind=Kind.FAMILY_CONSENT,
            url="/archives/consent/1/",
            sms=True,
        )
    assert Notification.objects.filter(user=guardian).count() == 1
    assert fake.calls == 1
    [sent] = fake.sent
    assert sent.phone == "13800000001"
    assert sent.sign_name == "秋水中学"
    assert sent.template_code == fake_aliyun_sms.TEMPLATE_CODE
    assert sent.variables == {"kind": "一份学校的征求同意书", "link": f"{SITE}/notifications/"}
    message = OutboxMessage.objects.get(dedupe_key="consent:1")
    assert message.sms_sent_at is not None
    assert message.sent_at is not None
    assert (message.sms_attempts, message.sms_error) == (1, "")
    # Nothing more on the next scans.
    assert deliver_due() == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=6)):
        deliver_due()
    assert fake.calls == 1


@pytest.mark.django_db
def test_a_message_without_sms_sends_no_text(fake, guardian) -> None:
    notify(guardian, key="plain:1", title="x", kind=Kind.APPOINTMENT)
    deliver_due()
    assert fake.calls == 0
    assert OutboxMessage.objects.get(dedupe_key="plain:1").sms_attempts == 0


# --- provider errors --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_throttled_text_is_retried_by_a_later_scan_and_sent_once(fake, guardian) -> None:
    fake.throttle_next()
    message = _text_for(guardian)
    deliver_due()
    message.refresh_from_db()
    assert fake.calls == 1
    assert fake.sent == []
    assert (message.sms_attempts, message.sms_error, message.sms_sent_at) == (1, "isv.BUSINESS_LIMIT_CONTROL", None)
    # The in-app notice went at once and is not repeated by the text's retries.
    assert message.sent_at is not None

    # Not at the very next scan: the provider said "too many", so the retry waits.
    deliver_due()
    assert fake.calls == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
        deliver_due()
        deliver_due()
    message.refresh_from_db()
    assert fake.calls == 2
    assert len(fake.sent) == 1
    assert (message.sms_attempts, message.sms_error) == (2, "")
    assert message.sms_sent_at is not None
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        deliver_due()
    assert fake.calls == 2
    assert Notification.objects.filter(user=guardian).count() == 1


@pytest.mark.django_db
def test_a_provider_that_keeps_failing_is_given_up_after_the_last_try(fake, guardian) -> None:
    fake.throttle_next(times=50)
    message = _text_for(guardian)
    start = timezone.now()
    for hours in range(0, 12):
        with time_machine.travel(start + datetime.timedelta(hours=hours, seconds=1)):
            deliver_due()
    message.refresh_from_db()
    assert fake.calls == SMS_MAX_ATTEMPTS
    assert message.sms_attempts == SMS_MAX_ATTEMPTS
    assert message.sms_sent_at is None
    assert message.sms_error == "isv.BUSINESS_LIMIT_CONTROL"


@pytest.mark.django_db
def test_an_invalid_number_is_not_retried(fake, guardian) -> None:
    fake.invalid_numbers.add("13800000001")
    message = _text_for(guardian)
    deliver_due()
    message.refresh_from_db()
    assert fake.calls == 1
    assert message.sms_error == "permanent: isv.MOBILE_NUMBER_ILLEGAL"
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=6)):
        deliver_due()
    assert fake.calls == 1
    message.refresh_from_db()
    assert (message.sms_attempts, message.sms_sent_at) == (1, None)


@pytest.mark.django_db
def test_a_number_that_is_no_mobile_number_never_reaches_the_provider(fake, guardian) -> None:
    guardian.phone = "010-1234"
    guardian.save(update_fields=["phone"])
    message = _text_for(guardian)
    deliver_due()
    message.refresh_from_db()
    assert fake.calls == 0
    assert message.sms_error == "permanent: invalid_number"
    # A number written with the country code and spaces is the same number.
    guardian.phone = "+86 138 0000 0001"
    guardian.save(update_fields=["phone"])
    _text_for(guardian, key="consent:2")
    deliver_due()
    assert [sent.phone for sent in fake.sent] == ["13800000001"]


@pytest.mark.django_db
def test_a_recipient_without_a_phone_gets_the_notice_in_the_app_only(fake, student) -> None:
    message = _text_for(student)
    deliver_due()
    message.refresh_from_db()
    assert fake.calls == 0
    assert message.sms_error == "permanent: no_phone"
    assert Notification.objects.filter(user=student).count() == 1


@pytest.mark.django_db
def test_a_wrong_secret_is_refused_by_the_signature_check_and_retried(fake, guardian, settings) -> None:
    settings.SMS_ACCESS_KEY_SECRET = "not-the-secret"
    message = _text_for(guardian)
    deliver_due()
    message.refresh_from_db()
    assert fake.rejected == ["SignatureDoesNotMatch"]
    assert message.sms_error == "SignatureDoesNotMatch"
    # Once the operator fixes the secret, the next try goes through.
    settings.SMS_ACCESS_KEY_SECRET = fake_aliyun_sms.ACCESS_KEY_SECRET
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
        deliver_due()
    assert len(fake.sent) == 1


@pytest.mark.django_db
def test_an_unreachable_provider_is_a_transient_error(fake, guardian, settings) -> None:
    fake_aliyun_sms.stop(fake)
    message = _text_for(guardian)
    deliver_due()
    message.refresh_from_db()
    assert message.sms_error == "ConnectionRefusedError"
    assert message.sms_attempts == 1
    assert message.sms_sent_at is None
    fake.server = fake_aliyun_sms.start().server  # the fixture stops whichever server it holds


@pytest.mark.django_db
def test_a_text_is_not_sent_after_its_message_went_stale(fake, guardian) -> None:
    fake.throttle_next()
    notify(guardian, key="remind:1", title="x", kind=Kind.PARENT_EVENT, sms=True)
    OutboxMessage.objects.filter(dedupe_key="remind:1").update(
        stale_after=timezone.now() + datetime.timedelta(minutes=1)
    )
    deliver_due()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        deliver_due()
    assert fake.calls == 1
    assert fake.sent == []


# --- e-mail and text do not repeat each other -------------------------------------------------


@pytest.mark.django_db
def test_a_failed_email_does_not_repeat_the_text_nor_the_text_the_email(fake, guardian, settings) -> None:
    guardian.email = "mother@example.com"
    guardian.save(update_fields=["email"])
    settings.EMAIL_BACKEND = "counseling.tests.failing_mail.Backend"
    message = _text_for(guardian)
    assert deliver_due() == 0
    message.refresh_from_db()
    # The e-mail failed; the text went all the same.
    assert message.last_error == "ConnectionRefusedError"
    assert message.sms_sent_at is not None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_due() == 1
    assert len(mail.outbox) == 1
    assert fake.calls == 1

    # The other way round: a throttled text is retried without a second e-mail.
    fake.throttle_next()
    _text_for(guardian, key="consent:2")
    assert deliver_due() == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
        assert deliver_due() == 0
    assert len(mail.outbox) == 2
    assert len(fake.sent) == 2
    assert Notification.objects.filter(user=guardian).count() == 2


# --- two workers ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_workers_delivering_at_once_send_each_text_once(fake, guardian, other_guardian) -> None:
    # Scheduled for later, then made due: in a transactional test notify() would deliver at once.
    later = timezone.now() + datetime.timedelta(hours=1)
    for key, recipient in (("consent:1", guardian), ("consent:2", other_guardian)):
        schedule(recipient, key=key, title="x", kind=Kind.FAMILY_CONSENT, sms=True, send_after=later)
    OutboxMessage.objects.update(send_after=timezone.now())
    fake.delay = 0.5  # the provider is slow: both workers are at work while a text is in flight
    workers = 4
    start = threading.Barrier(workers)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            start.wait(timeout=30)
            deliver_due()
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert fake.calls == 2
    assert sorted(sent.phone for sent in fake.sent) == ["13800000001", "13800000002"]
    assert list(OutboxMessage.objects.order_by("id").values_list("sms_attempts", flat=True)) == [1, 1]
    assert Notification.objects.count() == 2


# --- what a text says -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_text_names_nobody_and_links_to_the_notifications_page(fake, guardian, student) -> None:
    name = student.get_full_name()
    notify(
        guardian,
        key="crisis:3",
        title=f"{name}的危机干预",
        body=f"{name}今天在学校出现自伤风险，请尽快联系班主任。",
        kind=Kind.URGENT,
        url="/cases/crisis/3/",
        sms=True,
    )
    deliver_due()
    [sent] = fake.sent
    everything = f"{sent.sign_name} {sent.variables}"
    for word in (name, student.username, "危机", "自伤", "crisis", "/cases/"):
        assert word not in everything
    assert sent.variables == {"kind": "一条需要您确认的紧急事项", "link": f"{SITE}/notifications/"}
    # The in-app notice may name the student: it stays behind the sign-in.
    assert name in Notification.objects.get(user=guardian).title


@pytest.mark.django_db
def test_a_set_password_link_may_go_in_the_text_when_the_caller_says_so(fake, guardian) -> None:
    link = reverse(
        "password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(guardian.pk)), default_token_generator.make_token(guardian)],
    )
    notify(guardian, key="invite:1", title="欢迎", kind=Kind.FAMILY_LINK, url=link, sms=True, sms_link=True)
    deliver_due()
    assert fake.sent[0].variables == {"kind": "一份关联孩子的邀请", "link": f"{SITE}{link}"}


@pytest.mark.django_db
def test_only_a_page_marked_safe_may_be_the_texts_own_link(guardian) -> None:
    with pytest.raises(ValueError, match="sms_link_safe"):
        schedule(guardian, key="x:1", title="x", url="/cases/crisis/3/", sms=True, sms_link=True)
    with pytest.raises(ValueError):
        schedule(
            guardian,
            key="x:2",
            title="x",
            url="https://evil.example/accounts/set-password/a/b/",
            sms=True,
            sms_link=True,
        )
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_texts_kind_is_one_of_the_quiet_phrases(guardian, student) -> None:
    with pytest.raises(ValueError, match="quiet phrases"):
        notify(guardian, key="x:1", title="x", kind=f"{student.get_full_name()}的危机干预", sms=True)
    assert not OutboxMessage.objects.exists()
    # In-app and e-mail-only messages keep their callers' kinds, as before.
    assert notify(guardian, key="x:2", title="x", kind="一条新消息")


@pytest.mark.django_db
def test_without_a_site_address_the_link_is_the_path(guardian, settings) -> None:
    settings.SITE_URL = ""
    _text_for(guardian)
    deliver_due()
    [sent] = sms.outbox
    assert sent.text == QuietText(kind="一份学校的征求同意书", link="/notifications/")
    assert sent.text.render() == "【学校心理辅导室】心理辅导室有一份学校的征求同意书等待您查看：/notifications/"


@pytest.mark.django_db
def test_the_email_links_to_the_site_address_too(student, settings) -> None:
    settings.SITE_URL = SITE
    notify(student, key="n:1", title="x")
    deliver_due()
    assert mail.outbox[0].body.endswith(f"{SITE}/notifications/")


# --- logs and the console ---------------------------------------------------------------------


@pytest.mark.django_db
def test_log_lines_mask_the_number_and_never_hold_the_text(fake, guardian, caplog) -> None:
    caplog.set_level(logging.INFO)
    fake.throttle_next()
    _text_for(guardian)
    deliver_due()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
        deliver_due()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "text to 138****0001 failed (isv.BUSINESS_LIMIT_CONTROL, will retry), try 1 of 5" in logged
    assert "text to 138****0001 sent" in logged
    for secret in ("13800000001", "知情同意", "/notifications/", "张小明", fake_aliyun_sms.ACCESS_KEY_SECRET):
        assert secret not in logged


@pytest.mark.django_db
def test_the_console_backend_prints_the_text_with_the_number_masked(guardian, settings, monkeypatch) -> None:
    settings.SMS_BACKEND = "counseling.services.sms.ConsoleBackend"
    settings.OFFICE_NAME = "秋水中学心理辅导室"
    out = io.StringIO()
    monkeypatch.setattr(ConsoleBackend, "stream", out)
    _text_for(guardian)
    deliver_due()
    assert (
        out.getvalue()
        == "SMS to 138****0001: 【秋水中学心理辅导室】心理辅导室有一份学校的征求同意书等待您查看：/notifications/\n"
    )
    assert OutboxMessage.objects.get(dedupe_key="consent:1").sms_sent_at is not None


# --- settings ---------------------------------------------------------------------------------


def _settings_error(**env: str) -> str:
    """Import the real settings with ``env``; return what it raised ("" when it loaded)."""
    environment = {**os.environ, "DEBUG": "1", "SMS_BACKEND": "console", **env}
    for name in ("SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET", "SMS_SIGN_NAME", "SMS_TEMPLATE_CODE", "SITE_URL"):
        environment.setdefault(name, "")
    result = subprocess.run(
        [sys.executable, "-c", "import counseling.settings"],
        cwd=django_settings.BASE_DIR,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stderr.strip().splitlines()[-1] if result.returncode else ""


def test_settings_refuse_an_unknown_backend_and_an_incomplete_provider() -> None:
    assert _settings_error() == ""
    unset = {name: value for name, value in os.environ.items() if name != "SMS_BACKEND"}
    default = subprocess.run(
        [sys.executable, "-c", "import counseling.settings as s; print(s.SMS_BACKEND)"],
        cwd=django_settings.BASE_DIR,
        env={**unset, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert default.stdout.strip() == "counseling.services.sms.ConsoleBackend"
    assert "SMS_BACKEND must be one of console, locmem, aliyun" in _settings_error(SMS_BACKEND="aliyn")
    assert "SMS_BACKEND=aliyun needs SMS_ACCESS_KEY_SECRET, SMS_TEMPLATE_CODE" in _settings_error(
        SMS_BACKEND="aliyun", SMS_ACCESS_KEY_ID="id", SMS_SIGN_NAME="秋水中学"
    )
    assert "SMS_ENDPOINT must be an https:// address" in _settings_error(SMS_ENDPOINT="http://sms.example/")
    assert "SITE_URL must start with https://" in _settings_error(
        DEBUG="0", SECRET_KEY="x" * 50, AUDIT_KEY="k" * 40, SITE_URL="http://school.example"
    )


# --- the staff health page --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_health_page_shows_texts_given_up_as_a_problem_and_refused_numbers_as_a_warning(
    fake, guardian, other_guardian, client_for, head
) -> None:
    client = client_for(head)
    assert client.get(reverse("health")).status_code == 200
    fake.invalid_numbers.add("13800000002")
    _text_for(other_guardian, key="consent:2")
    deliver_due()
    page = client.get(reverse("health"), headers={"accept-language": "en"})
    assert page.status_code == 200
    assert "0 given up · 1 numbers refused" in page.content.decode()
    assert "Working, with warnings" in page.content.decode()

    fake.throttle_next(times=50)
    _text_for(guardian, key="consent:1")
    start = timezone.now()
    for hours in range(0, 6):
        with time_machine.travel(start + datetime.timedelta(hours=hours, seconds=1)):
            deliver_due()
    page = client.get(reverse("health"), headers={"accept-language": "en"})
    assert page.status_code == 503
    assert "1 given up · 1 numbers refused" in page.content.decode()
