"""Text messages (SMS) to a phone: one interface, the backend chosen by the ``SMS_BACKEND`` setting.

A text leaves the school's systems, like an e-mail, so it follows the quiet-notice rule: it says
only the school's name, a quiet phrase of what waits (the outbox message's ``kind``) and a link,
never a title, a body or a child's name. Chinese providers send only pre-approved templates with
variables, so a text is a ``QuietText`` (the two variables ``kind`` and ``link``), never free text:
the approved template (docs/operations.md, "The SMS channel") and ``QuietText.render`` say the same.

Backends (``SMS_BACKEND``, a dotted path like ``EMAIL_BACKEND``; counseling/settings.py reads it):

- ``ConsoleBackend``: the demo's default; writes each text to standard output, the number masked.
- ``LocmemBackend``: the tests'; keeps each text in ``outbox`` (like ``django.core.mail.outbox``).
- ``AliyunBackend``: Alibaba Cloud SMS (dysmsapi ``SendSms``), over HTTPS to ``SMS_ENDPOINT``.

``send_sms(phone, text)`` returns the provider's message id or raises ``SmsError``; an error with
``permanent`` set (an invalid number) must not be retried. The outbox (``counseling.services.notify``)
decides when to send and retry; nothing here touches the database.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import logging
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

# Mainland mobile numbers: 11 digits starting with 1 (an optional +86 / 0086 country code is dropped).
_MOBILE = re.compile(r"1[3-9]\d{9}")


class SmsError(Exception):
    """A text message was not sent. ``code`` says why (the provider's code, or ours); ``permanent``
    errors (an invalid or blocked number) fail the same way every time and must not be retried."""

    def __init__(self, code: str, *, permanent: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.permanent = permanent


@dataclass(frozen=True)
class QuietText:
    """A text message as the provider's template sees it: the two variables, nothing else.

    ``kind`` is a quiet phrase that names nobody ("an appointment notice"), ``link`` an address on
    the school's site. The school's name is the provider's sign name (【…】), added by the provider.
    """

    kind: str
    link: str

    def params(self) -> dict[str, str]:
        """The template variables, as sent to the provider."""
        return {"kind": self.kind, "link": self.link}

    def render(self) -> str:
        """The whole text as the phone shows it: the sign name, then the approved template filled in."""
        with translation.override(settings.LANGUAGE_CODE):
            body = _("The counseling office has %(kind)s for you: %(link)s") % self.params()
            return f"【{sign_name()}】{body}"


def sign_name() -> str:
    """The school's name at the head of every text (the provider's approved sign name)."""
    return settings.SMS_SIGN_NAME or settings.OFFICE_NAME or _("School Counseling Office")


def normalise_phone(phone: str) -> str:
    """The 11-digit mainland mobile number in ``phone``, or ``SmsError`` (permanent) if there is none."""
    digits = re.sub(r"[\s\-()]", "", phone or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    if not _MOBILE.fullmatch(digits):
        raise SmsError("invalid_number", permanent=True)
    return digits


def mask_phone(phone: str) -> str:
    """A phone number fit for a log line: the first three and last four digits (138****0001)."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def get_backend() -> BaseBackend:
    """An instance of the backend named by ``SMS_BACKEND`` (read on every call: tests change it)."""
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: QuietText) -> str:
    """Send ``text`` to ``phone``; returns the provider's message id.

    Raises ``SmsError``: permanent for a number that is not a mainland mobile number (checked here,
    before any provider is asked) or one the provider refuses as such; transient otherwise.
    """
    return get_backend().send(normalise_phone(phone), text)


class BaseBackend:
    def send(self, phone: str, text: QuietText) -> str:
        """Send ``text`` to ``phone`` (11 digits); return the provider's id or raise ``SmsError``."""
        raise NotImplementedError


# A one-time secret in a texted link (an invitation's token, a set-password link's token).
_LINK_SECRET = re.compile(r"[A-Za-z0-9_-]{16,}")


class ConsoleBackend(BaseBackend):
    """Writes each text to standard output with the number masked (the demo's "sent" texts), and
    any one-time secret in its link too: standard output is the worker's log, read by people who
    must not be able to use an invitation or a set-password link."""

    stream = None  # sys.stdout when None, looked up at send time (the tests capture it)

    def send(self, phone: str, text: QuietText) -> str:
        stream = self.stream or sys.stdout
        shown = QuietText(text.kind, _LINK_SECRET.sub("…", text.link))
        stream.write(f"SMS to {mask_phone(phone)}: {shown.render()}\n")
        stream.flush()
        return f"console-{uuid.uuid4().hex[:12]}"


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: QuietText
    message_id: str


# Every text the locmem backend "sent", oldest first; the tests empty it before each test.
outbox: list[SentSms] = []


class LocmemBackend(BaseBackend):
    """Keeps each text in ``counseling.services.sms.outbox`` (for tests)."""

    def send(self, phone: str, text: QuietText) -> str:
        message_id = f"locmem-{len(outbox) + 1}"
        outbox.append(SentSms(phone=phone, text=text, message_id=message_id))
        return message_id


# --- Alibaba Cloud SMS ---------------------------------------------------------------------------
# The API: SendSms of dysmsapi, version 2017-05-25, an RPC-style call signed with signature
# version 1.0 (HMAC-SHA1), as published in
#   https://www.alibabacloud.com/help/en/sms/signature-method  (短信服务 签名机制; its SendSms
#   example, first in https://help.aliyun.com/document_detail/56189.html, is our known-answer test
#   in counseling/tests/test_sms.py), and the API's error codes in
#   https://help.aliyun.com/document_detail/101347.htm (English: .../help/en/sms/developer-reference/error-codes).

# Codes that say this number will never take this text: retrying cannot help.
ALIYUN_PERMANENT_CODES = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",  # 非法手机号
        "isv.BLACK_KEY_CONTROL_LIMIT",  # the number is on the carrier's or provider's block list
        "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
        "isv.MOBILE_COUNT_OVER_LIMIT",
    }
)


def percent_encode(value: str) -> str:
    """RFC 3986 encoding as the signature method asks: letters, digits and ``-_.~`` kept, a space
    as %20, every other byte of the UTF-8 text as %XY (upper-case hex)."""
    return urllib.parse.quote(value, safe="-_.~")


def aliyun_signature(params: dict[str, str], secret: str, method: str = "POST") -> str:
    """The ``Signature`` of an RPC request (signature version 1.0, HMAC-SHA1).

    1. the parameters but ``Signature``, sorted by name, each name and value percent-encoded and
       joined as ``name=value`` with ``&``: the canonicalized query string;
    2. StringToSign = HTTPMethod + "&" + percentEncode("/") + "&" + percentEncode(that string);
    3. Signature = Base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign)).
    """
    canonical = "&".join(
        f"{percent_encode(name)}={percent_encode(value)}"
        for name, value in sorted(params.items())
        if name != "Signature"
    )
    string_to_sign = f"{method}&{percent_encode('/')}&{percent_encode(canonical)}"
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


class AliyunBackend(BaseBackend):
    """Alibaba Cloud SMS: one ``SendSms`` call per text, the template ``SMS_TEMPLATE_CODE`` with
    the variables ``kind`` and ``link``, signed with ``SMS_ACCESS_KEY_ID`` / ``SMS_ACCESS_KEY_SECRET``.

    Sent as a POST form, so the number never appears in an address (proxies log addresses).
    Business errors come back as HTTP 200 with a ``Code`` other than ``OK``; signature and
    credential errors as HTTP 4xx with a ``Code``; both are ``SmsError``, permanent only for the
    codes in ``ALIYUN_PERMANENT_CODES``. Network errors and 5xx are transient.
    """

    API_VERSION = "2017-05-25"

    def request_params(self, phone: str, text: QuietText) -> dict[str, str]:
        """Every parameter of the request but ``Signature`` (a fresh nonce and time each call)."""
        return {
            "AccessKeyId": settings.SMS_ACCESS_KEY_ID,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": phone,
            "RegionId": settings.SMS_REGION,
            "SignName": sign_name(),
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "TemplateCode": settings.SMS_TEMPLATE_CODE,
            "TemplateParam": json.dumps(text.params(), ensure_ascii=False, separators=(",", ":")),
            "Timestamp": timezone.now().astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": self.API_VERSION,
        }

    def send(self, phone: str, text: QuietText) -> str:
        params = self.request_params(phone, text)
        params["Signature"] = aliyun_signature(params, settings.SMS_ACCESS_KEY_SECRET, "POST")
        request = urllib.request.Request(  # noqa: S310 - the endpoint is our own https setting (or the tests' fake)
            settings.SMS_ENDPOINT,
            data=urllib.parse.urlencode(params, quote_via=urllib.parse.quote).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as error:
            body = error.read()
            if error.code >= 500:
                raise SmsError(f"http_{error.code}") from error
            # A 4xx says what was wrong in the same JSON shape (SignatureDoesNotMatch, ...).
            raise SmsError(_response_code(body) or f"http_{error.code}") from error
        except (OSError, ValueError) as error:  # refused, reset, timed out, bad address
            # urllib wraps the cause ("refused") in a URLError: record the cause.
            reason = getattr(error, "reason", None)
            raise SmsError(type(reason if isinstance(reason, BaseException) else error).__name__) from error
        code = _response_code(body)
        if code != "OK":
            raise SmsError(code or "bad_response", permanent=code in ALIYUN_PERMANENT_CODES)
        return str(json.loads(body).get("BizId", ""))


def _response_code(body: bytes) -> str:
    """The ``Code`` of a provider's JSON answer, or "" when the answer is not that JSON."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    return str(data.get("Code", ""))[:100] if isinstance(data, dict) else ""
