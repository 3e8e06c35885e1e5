"""A local fake of Alibaba Cloud SMS's SendSms API, for the adapter's tests (never the real one).

It checks a request as the real endpoint does (counseling.services.sms cites the documents): the
common parameters, the AccessKeyId, the signature (recomputed here by the documents' own recipe,
not with the product's code), a fresh Timestamp and an unused SignatureNonce, then the approved
sign name, template and its variables, and the number. It answers in the real JSON shapes:
success, a throttling error, an invalid number; and counts every call.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote_plus

ACCESS_KEY_ID = "LTAI-fake-key-id"
ACCESS_KEY_SECRET = "fake-secret-never-real"
SIGN_NAME = "秋水中学"
TEMPLATE_CODE = "SMS_000000001"
TEMPLATE_VARIABLES = {"kind", "link"}

THROTTLED = ("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1")
INVALID_NUMBER = ("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")


def _pop_encode(value: str) -> str:
    # The documents' recipe: form-encode, then "+" -> %20, "*" -> %2A, "%7E" -> "~".
    return quote_plus(value, encoding="utf-8").replace("+", "%20").replace("*", "%2A").replace("%7E", "~")


def expected_signature(params: dict[str, str], secret: str, method: str) -> str:
    query = "&".join(f"{_pop_encode(k)}={_pop_encode(params[k])}" for k in sorted(params) if k != "Signature")
    to_sign = method + "&" + _pop_encode("/") + "&" + _pop_encode(query)
    return base64.b64encode(hmac.new((secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


@dataclass
class Sent:
    phone: str
    sign_name: str
    template_code: str
    variables: dict


@dataclass
class FakeAliyunSms:
    """The fake's state: what it received and how it should answer next."""

    calls: int = 0  # every request that reached it, whatever the answer
    sent: list[Sent] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)  # the Code of every refused request
    invalid_numbers: set[str] = field(default_factory=set)
    delay: float = 0.0  # seconds to wait before answering (for the concurrency test)
    _fail_next: list[tuple[str, str]] = field(default_factory=list)
    _nonces: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def throttle_next(self, times: int = 1) -> None:
        """The next ``times`` valid requests are refused as over the provider's rate limit."""
        self._fail_next.extend([THROTTLED] * times)

    def answer(self, method: str, params: dict[str, str]) -> tuple[int, dict]:
        request_id = str(uuid.uuid4()).upper()
        with self._lock:
            self.calls += 1
        status, code, message = self._check(method, params)
        if code != "OK":
            with self._lock:
                self.rejected.append(code)
            return status, {"Code": code, "Message": message, "RequestId": request_id}
        variables = json.loads(params["TemplateParam"])
        with self._lock:
            self.sent.append(Sent(params["PhoneNumbers"], params["SignName"], params["TemplateCode"], variables))
        return 200, {"Code": "OK", "Message": "OK", "BizId": f"{len(self.sent):06d}^0", "RequestId": request_id}

    def _check(self, method: str, params: dict[str, str]) -> tuple[int, str, str]:
        for name in ("AccessKeyId", "Action", "Format", "RegionId", "Signature", "SignatureMethod", "SignatureNonce",
                     "SignatureVersion", "Timestamp", "Version", "PhoneNumbers", "SignName", "TemplateCode"):  # fmt: skip
            if not params.get(name):
                return 400, "MissingParameter", f"The input parameter {name} that is mandatory is not supplied."
        if params["Action"] != "SendSms" or params["Version"] != "2017-05-25":
            return 400, "InvalidAction.NotFound", "Specified api is not found."
        if params["SignatureMethod"] != "HMAC-SHA1" or params["SignatureVersion"] != "1.0":
            return 400, "InvalidSignatureMethod", "Specified signature method is not supported."
        if params["AccessKeyId"] != ACCESS_KEY_ID:
            return 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."
        if not hmac.compare_digest(params["Signature"], expected_signature(params, ACCESS_KEY_SECRET, method)):
            return 400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
        stamp = datetime.datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
        if abs((datetime.datetime.now(datetime.UTC) - stamp).total_seconds()) > 15 * 60:
            return 400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."
        with self._lock:
            if params["SignatureNonce"] in self._nonces:
                return 400, "SignatureNonceUsed", "Specified signature nonce was used already."
            self._nonces.add(params["SignatureNonce"])
        if params["SignName"] != SIGN_NAME:
            return 200, "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名"
        if params["TemplateCode"] != TEMPLATE_CODE:
            return 200, "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板"
        try:
            variables = json.loads(params.get("TemplateParam", ""))
        except ValueError:
            return 200, "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值"
        if set(variables) != TEMPLATE_VARIABLES:
            return 200, "isv.TEMPLATE_MISSING_PARAMETERS", "模板缺少变量"
        phone = params["PhoneNumbers"]
        if not (len(phone) == 11 and phone.isdigit() and phone.startswith("1")) or phone in self.invalid_numbers:
            return 200, *INVALID_NUMBER
        with self._lock:
            if self._fail_next:
                return 200, *self._fail_next.pop(0)
        return 200, "OK", "OK"


def start() -> FakeAliyunSms:
    """Serve a fresh fake on a free port of 127.0.0.1, in a daemon thread; ``stop`` it after."""
    fake = FakeAliyunSms()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            params = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
            if fake.delay:
                time.sleep(fake.delay)
            status, payload = fake.answer("POST", params)
            body = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args) -> None:
            pass  # quiet: the tests read the fake's own record

    fake.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=fake.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return fake


def stop(fake: FakeAliyunSms) -> None:
    fake.server.shutdown()
    fake.server.server_close()
