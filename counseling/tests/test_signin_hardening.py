"""Sign-in behind the reverse proxy: the real client address, lockouts by user and address, spraying,
password rules, and the absolute session lifetime."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from axes.models import AccessFailureLog
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from counseling.models import AuditEntry
from counseling.models.audit import AuditAction
from counseling.services.audit import record
from counseling.tests.factories import PASSWORD
from counseling.validators import PersonalInfoValidator, name_pinyin_forms

ROOT = Path(__file__).resolve().parents[2]

# What counseling.settings builds from BEHIND_PROXY=1, CLIENT_IP_HEADERS=HTTP_X_FORWARDED_FOR (one proxy);
# test_the_proxy_settings_come_from_the_environment checks that it does.
behind_proxy = override_settings(
    AXES_IPWARE_META_PRECEDENCE_ORDER=["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
    AXES_IPWARE_PROXY_COUNT=0,
    IPWARE_STRICT=False,
)

SPRAY_MESSAGE = "此处登录失败次数过多，登录已暂停 15 分钟。"


def sign_in(client: Client, username: str, password: str, address: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": address} if address else {}
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.django_db
@behind_proxy
def test_bad_tries_from_one_address_do_not_lock_the_user_out_elsewhere(head) -> None:
    for _ in range(4):
        assert sign_in(Client(), "head", "wrong-guess", "10.9.8.7").status_code == 200
    # The fifth locks that address for that user, even with the right password ...
    assert sign_in(Client(), "head", "wrong-guess", "10.9.8.7").status_code == 429
    assert sign_in(Client(), "head", PASSWORD, "10.9.8.7").status_code == 429
    # ... but the head counselor at their own desk signs in.
    assert signed_in(sign_in(Client(), "head", PASSWORD, "10.1.2.3"))
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {"10.9.8.7"}


@pytest.mark.django_db
@behind_proxy
def test_a_client_cannot_choose_its_address_by_prepending_to_the_header(head) -> None:
    # The proxy appends the address it saw; whatever the client wrote in front of it is ignored.
    for n in range(5):
        sign_in(Client(), "head", "wrong-guess", f"10.50.0.{n}, 10.9.8.7")
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {"10.9.8.7"}
    assert sign_in(Client(), "head", PASSWORD, "10.1.1.1, 10.9.8.7").status_code == 429


@pytest.mark.django_db
def test_a_forged_header_is_ignored_when_not_behind_a_proxy(head) -> None:
    for n in range(5):
        sign_in(Client(), "head", "wrong-guess", f"10.50.0.{n}")
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    # A new forged address does not escape the lock: the connection's address is what counts.
    assert sign_in(Client(), "head", PASSWORD, "10.60.0.1").status_code == 429


@pytest.mark.django_db
@behind_proxy
def test_spraying_many_user_names_from_one_address_is_paused(head, counselor) -> None:
    for n in range(20):
        assert sign_in(Client(), f"guess{n}", "Spring2026!", "10.9.8.7").status_code == 200
    # Even a right password from that address is refused for now, with a message that says why.
    response = sign_in(Client(), "head", PASSWORD, "10.9.8.7")
    assert not signed_in(response)
    assert SPRAY_MESSAGE in response.content.decode()
    # Nobody else is affected.
    assert signed_in(sign_in(Client(), "counselor", PASSWORD, "10.1.2.3"))
    # After the window the address may try again.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16), tick=False):
        assert signed_in(sign_in(Client(), "head", PASSWORD, "10.9.8.7"))


@pytest.mark.django_db
@behind_proxy
def test_one_user_name_tried_from_many_addresses_is_paused_only_where_it_failed(head) -> None:
    for n in range(20):
        sign_in(Client(), "head", "wrong-guess", f"10.70.0.{n}")
    response = sign_in(Client(), "head", PASSWORD, "10.70.0.3")
    assert not signed_in(response)
    assert SPRAY_MESSAGE in response.content.decode()
    # An address that never failed for this name (the head counselor's own desk) still signs in.
    assert signed_in(sign_in(Client(), "head", PASSWORD, "10.1.2.3"))


@pytest.mark.django_db
@behind_proxy
def test_the_audit_entry_records_the_forwarded_client_address(head, student) -> None:
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="10.9.8.7", REMOTE_ADDR="127.0.0.1")
    entry = record(head, AuditAction.VIEW, student, request=request)
    assert AuditEntry.objects.get(pk=entry.pk).ip_address == "10.9.8.7"


@pytest.mark.django_db
def test_the_audit_entry_ignores_the_header_when_not_behind_a_proxy(head, student) -> None:
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="10.9.8.7", REMOTE_ADDR="192.168.1.20")
    assert record(head, AuditAction.VIEW, student, request=request).ip_address == "192.168.1.20"


def change_password(client: Client, new: str):
    return client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )


@pytest.mark.django_db
def test_a_short_password_is_refused(client_for, counselor) -> None:
    response = change_password(client_for(counselor), "Qiu-Lake26")
    assert response.status_code == 200
    assert "密码必须包含至少 12 个字符" in response.content.decode()
    counselor.refresh_from_db()
    assert counselor.check_password(PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "password",
    ["zhangxiaoming2026", "Zhang Xiao Ming 88", "zhang1xiao3ming2!!", "xiaomingzhang-2026", "zxm-20262026-2026"],
)
def test_the_name_in_pinyin_is_refused(client_for, student, password) -> None:
    student.name = "张小明"
    student.save(update_fields=["name"])
    response = change_password(client_for(student), password)
    assert response.status_code == 200
    assert "密码不能使用姓名的拼音，加上数字也不行。" in response.content.decode()
    student.refresh_from_db()
    assert student.check_password(PASSWORD)


@pytest.mark.django_db
def test_the_student_number_is_refused(student) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_password("Lake-20250001-x", student)
    assert [e.code for e in caught.value.error_list] == ["password_has_student_number"]


@pytest.mark.django_db
def test_a_good_password_is_accepted(client_for, student) -> None:
    student.name = "张小明"
    student.save(update_fields=["name"])
    response = change_password(client_for(student), "Qiushui-Lake-2026")
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("Qiushui-Lake-2026")


def test_pinyin_forms_of_a_name() -> None:
    contained, whole = name_pinyin_forms("张小明")
    assert contained == {"zhangxiaoming", "xiaomingzhang"}
    assert {"xiaoming", "zxm", "xmz"} <= whole
    assert name_pinyin_forms("") == (set(), set())
    # A name without Chinese characters gives nothing to compare (UserAttributeSimilarity covers it).
    PersonalInfoValidator().validate("anything-at-all", None)


@pytest.mark.django_db
@override_settings(SESSION_ABSOLUTE_SECONDS=10 * 60)
def test_a_session_ends_at_its_absolute_lifetime_however_busy(counselor) -> None:
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert signed_in(sign_in(client, "counselor", PASSWORD))
        assert client.session["_signed_in_at"] == int(start.timestamp())
    # Busy every few minutes: the idle timeout never ends it ...
    for minutes in (3, 6, 9):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("home")).status_code == 200
    # ... the absolute lifetime does.
    with time_machine.travel(start + datetime.timedelta(minutes=10, seconds=1), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert "_auth_user_id" not in client.session
        # Signing in again starts a new lifetime.
        assert signed_in(sign_in(client, "counselor", PASSWORD))
        assert client.get(reverse("home")).status_code == 200


def settings_from_environment(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in {"BEHIND_PROXY", "CLIENT_IP_HEADERS", "PROXY_COUNT"}}
    clean.update(env, DEBUG="1", DJANGO_SETTINGS_MODULE="counseling.settings")
    code = (
        "import json; from counseling import settings as s; "
        "print(json.dumps([s.AXES_IPWARE_META_PRECEDENCE_ORDER, s.AXES_IPWARE_PROXY_COUNT, s.IPWARE_STRICT]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_proxy_settings_come_from_the_environment() -> None:
    assert settings_from_environment(BEHIND_PROXY="1", CLIENT_IP_HEADERS="HTTP_X_FORWARDED_FOR") == [
        ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
        0,
        False,
    ]
    assert settings_from_environment(BEHIND_PROXY="1", PROXY_COUNT="2")[:2] == [
        ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
        1,
    ]
    # Not behind a proxy, a configured header is still not trusted.
    assert settings_from_environment(CLIENT_IP_HEADERS="HTTP_X_FORWARDED_FOR")[:2] == [["REMOTE_ADDR"], None]
