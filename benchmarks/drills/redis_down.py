"""Drill: Redis is stopped while students book; bookings succeed, reminders go out once it is back.

    .venv/bin/python -m benchmarks.drills.redis_down

Starts the drill's PostgreSQL and Redis, gunicorn, one Celery worker and beat, then stops Redis.
Ten students book a time through the web pages (sign-in session, booking page, confirm form)
while the broker is down: every booking must succeed, quickly. While Redis is still down their
reminders come due (the drill moves the reminders' due time to now, as if the day had come).
Then Redis is started again, empty, as after a crash. Within three minutes every confirmation and
reminder of those bookings must have been delivered, each exactly once (one in-app notification
per message, one e-mail per message to the counselors, who have addresses).
"""

from __future__ import annotations

import email
import email.policy
import http.client
import re
import tempfile
import time
from collections import Counter
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.drills import common
from benchmarks.drills.common import say

STUDENTS = 10
SLOW = 10.0  # seconds: a booking slower than this counts as hanging on the broker


class Browser:
    """Just enough of a browser: one session cookie, the CSRF cookie, no redirects followed."""

    def __init__(self, session: str) -> None:
        self.cookies = {"sessionid": session}

    def request(self, method: str, path: str, data: dict | None = None) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection(common.HOST, common.WEB_PORT, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{common.HOST}:{common.WEB_PORT}{path}"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, response.getheader("Location") or "", text


def book(browser: Browser, choice: int) -> tuple[bool, float, str]:
    """Book the ``choice``-th free time shown on the booking page; (ok, seconds, detail URL)."""
    started = time.monotonic()
    status, _, page = browser.request("GET", "/appointments/book/")
    slots = [unescape(href) for href in re.findall(r'href="(/appointments/book/confirm/\?[^"]+)"', page)]
    if status != 200 or len(slots) <= choice:
        return False, time.monotonic() - started, f"booking page {status}, {len(slots)} free times"
    confirm = slots[choice]
    status, _, form = browser.request("GET", confirm)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    if status != 200 or token is None:
        return False, time.monotonic() - started, f"confirm page {status}"
    status, location, _ = browser.request(
        "POST", confirm, {"csrfmiddlewaretoken": token.group(1), "channel": "face_to_face", "topic": ""}
    )
    ok = status == 302 and re.fullmatch(r"/appointments/\d+/", location) is not None
    return ok, time.monotonic() - started, location or f"status {status}"


def mails_in(maildir: Path) -> list[tuple[str, str]]:
    """(recipient, subject) of every e-mail the file backend wrote (one file per connection)."""
    found = []
    for path in maildir.glob("*"):
        for chunk in path.read_text(errors="replace").split("-" * 79):
            if not chunk.strip():
                continue
            message = email.message_from_string(chunk.strip(), policy=email.policy.default)
            found.append((str(message["To"]).strip(), str(message["Subject"]).strip()))
    return found


def main() -> int:
    common.require_tools()
    maildir = Path(tempfile.mkdtemp(prefix="counseling-drill-mail-"))
    with common.postgres() as database_url, common.redis() as redis:
        env = common.app_env(database_url, redis.url, EMAIL_URL=f"filemail:///{maildir}")
        common.prepare_database(env)
        common.django_setup(env)
        from django.db.models import Q
        from django.utils import timezone

        from appointments.enums import OPEN_STATUSES
        from appointments.models import Appointment, OfficeRules
        from benchmarks.targets import session_for
        from counseling.enums import Role
        from counseling.models import Notification, OutboxMessage, User

        # Bookings are confirmed at once (no approval step), so their reminders are scheduled.
        OfficeRules.objects.filter(pk=OfficeRules.load().pk).update(approval_required=False)
        busy = Appointment.objects.filter(status__in=OPEN_STATUSES, ends_at__gt=timezone.now()).values("student_id")
        students = list(
            User.objects.filter(role=Role.STUDENT, is_active=True).exclude(pk__in=busy).order_by("pk")[:STUDENTS]
        )
        browsers = [Browser(session_for(student)) for student in students]
        # The demo data's own messages are not part of the drill: mark them delivered, so every
        # e-mail written during the drill belongs to these bookings.
        OutboxMessage.objects.filter(sent_at__isnull=True).update(sent_at=timezone.now())

        with common.processes(env) as procs:
            procs.gunicorn(workers=3)
            procs.worker()
            procs.beat()
            time.sleep(3)
            say("stopping Redis")
            redis.stop()
            results = [book(browser, index * 2) for index, browser in enumerate(browsers)]
            for ok, seconds, detail in results:
                say(f"  booking {'ok  ' if ok else 'FAIL'} in {seconds:4.1f}s  {detail}")
            ids = [int(re.search(r"\d+", detail).group()) for ok, _, detail in results if ok]
            keys = Q()
            for pk in ids:
                keys |= Q(dedupe_key__startswith=f"appt:{pk}:")
            messages = OutboxMessage.objects.filter(keys) if ids else OutboxMessage.objects.none()
            reminders = messages.filter(dedupe_key__contains=":remind:")
            moved = reminders.update(send_after=timezone.now())
            say(f"{messages.count()} messages waiting ({moved} reminders now due); Redis stays down for 70 s")
            time.sleep(70)
            sent_while_down = messages.filter(sent_at__isnull=False).count()
            say(f"sent while Redis was down: {sent_while_down}; starting Redis again (empty)")
            redis.start()
            total = messages.count()
            delivered = common.wait_until(lambda: messages.filter(sent_at__isnull=False).count() == total, 180, 2)
            time.sleep(65)  # one more scan: a duplicate would show now
            sent = messages.filter(sent_at__isnull=False).count()
            reminder_count = reminders.count()
            # The 24-hour and the 1-hour reminder of one appointment read the same, so compare
            # how many copies of each (person, title, link) arrived with how many were due.
            wanted = Counter((m.recipient_id, m.title, m.url) for m in messages)
            arrived = Counter(
                Notification.objects.filter(user_id__in={key[0] for key in wanted}).values_list(
                    "user_id", "title", "url"
                )
            )
            in_app_exact = all(arrived[key] == count for key, count in wanted.items())
            wanted_mail = Counter(
                (m.recipient.email, m.title)
                for m in messages.select_related("recipient")
                if m.send_email and m.recipient.email
            )
            mailed = Counter(key for key in mails_in(maildir) if key in wanted_mail)
            mail_exact = mailed == wanted_mail
            say(
                f"{sent}/{total} delivered ({reminder_count} reminders); in-app copies as due: {in_app_exact}; "
                f"e-mails {sum(mailed.values())} for {sum(wanted_mail.values())} messages with an address"
            )
    return common.verdict(
        "Redis stopped while students book",
        [
            (f"all {STUDENTS} bookings succeeded with Redis down", len(ids) == STUDENTS),
            (f"no booking took longer than {SLOW:.0f} s", all(seconds < SLOW for _, seconds, _ in results)),
            ("reminders were waiting in the outbox", reminder_count > 0),
            ("nothing went out while Redis was down", sent_while_down == 0),
            ("every confirmation and reminder went out after Redis was back", delivered and sent == total),
            ("each exactly once in the app", in_app_exact),
            ("each e-mail exactly once", mail_exact),
        ],
    )


if __name__ == "__main__":
    raise SystemExit(main())
