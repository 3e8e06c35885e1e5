"""What the staff health page checks: database, broker, queue, beat, outbox, text messages and the
last audit check, then each app's checks.

An app adds rows to the page through its optional ``health.py`` hook module, which defines
``checks() -> list[Check]`` (the reports app: the last report run). Its rows come after the
ground's own, in the order of settings.LOCAL_APPS. Any row that is not ok makes the page a 503.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from counseling.hooks import app_hooks
from counseling.models import Heartbeat, OutboxMessage
from counseling.services.audit import last_check
from counseling.services.notify import SMS_MAX_ATTEMPTS, SMS_PERMANENT

BEAT_LATE = datetime.timedelta(minutes=3)
# The audit check runs daily; two days without one means beat or the task is not running.
AUDIT_CHECK_LATE = datetime.timedelta(days=2)


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    # Not a failure (the page stays 200) but not "OK" either: something the staff should know,
    # e.g. that the periodic jobs have never run.
    warn: bool = False


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check(_("Database"), True, connection.vendor)
    except Exception as exc:  # noqa: BLE001 - the page reports any failure
        return Check(_("Database"), False, type(exc).__name__)


def check_broker() -> tuple[Check, Check]:
    """Broker reachability and the default queue's length (Redis, or the demo's file-system broker)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        note = _("No broker: tasks run in the web process.")
        return Check(_("Broker"), True, note), Check(_("Queue length"), True, "0")
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        queue = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        if not queue.is_dir():
            return Check(_("Broker"), False, _("the demo's message folder is missing")), Check(
                _("Queue length"), False, "?"
            )
        length = sum(1 for _item in queue.iterdir())
        note = _("the demo's file-system broker (make run)")
        return Check(_("Broker"), True, note), Check(_("Queue length"), length < 1000, str(length))
    try:
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        length = client.llen("celery")
        return Check(_("Broker"), True, _("reachable")), Check(_("Queue length"), length < 1000, str(length))
    except Exception as exc:  # noqa: BLE001
        return Check(_("Broker"), False, type(exc).__name__), Check(_("Queue length"), False, "?")


def check_beat() -> Check:
    """Beat's last tick. Never: with no broker that is expected but still a warning (reminders,
    re-sends of unacknowledged crises and digests are not going out); with a broker, a problem."""
    beat = Heartbeat.objects.filter(name="beat").first()
    if beat is None:
        eager = settings.CELERY_TASK_ALWAYS_EAGER
        return Check(
            _("Last beat tick"),
            eager,
            _("never: the periodic jobs (reminders, re-sends, digests) are not running"),
            warn=eager,
        )
    late = timezone.now() - beat.at > BEAT_LATE
    return Check(
        _("Last beat tick"), not late, formats.date_format(timezone.localtime(beat.at), "SHORT_DATETIME_FORMAT")
    )


def check_outbox() -> Check:
    overdue = OutboxMessage.objects.filter(
        sent_at__isnull=True, dropped_at__isnull=True, send_after__lt=timezone.now() - datetime.timedelta(minutes=5)
    ).count()
    return Check(_("Messages overdue in the outbox"), overdue == 0, str(overdue))


# Texts are tried for hours (counseling.services.notify.SMS_RETRY_AFTER); a week of them is shown.
TEXTS_WINDOW = datetime.timedelta(days=7)


def check_texts() -> Check:
    """Text messages of the last week that could not be sent: a problem when the provider kept
    failing until the last try (a wrong key, an unapproved template, no balance); only a warning
    when the number itself was refused (an invalid number, none on the account), which the office
    corrects on the person's account, not on the server."""
    unsent = OutboxMessage.objects.filter(
        send_sms=True, sms_sent_at__isnull=True, send_after__gte=timezone.now() - TEXTS_WINDOW
    ).exclude(sms_error="")
    refused = unsent.filter(sms_error__startswith=SMS_PERMANENT).count()
    given_up = unsent.exclude(sms_error__startswith=SMS_PERMANENT).filter(sms_attempts__gte=SMS_MAX_ATTEMPTS).count()
    detail = _("%(given_up)s given up · %(refused)s numbers refused") % {"given_up": given_up, "refused": refused}
    return Check(_("Text messages not sent (last 7 days)"), given_up == 0, detail, warn=given_up == 0 and refused > 0)


def check_audit() -> Check:
    """The last audit verification: a problem when it found breaks, is over two days old, or never
    ran where beat should have run it (with no broker there is no beat, as for ``check_beat``)."""
    name = _("Audit trail check")
    last = last_check()
    if last is None:
        eager = settings.CELERY_TASK_ALWAYS_EAGER
        return Check(name, eager, _("never"), warn=eager)
    when = formats.date_format(timezone.localtime(last.checked_at), "SHORT_DATETIME_FORMAT")
    if not last.ok:
        return Check(name, False, _("broken in %(count)s place(s) · %(when)s") % {"count": last.breaks, "when": when})
    if timezone.now() - last.checked_at > AUDIT_CHECK_LATE:
        return Check(name, False, _("last run %(when)s: overdue") % {"when": when})
    return Check(name, True, _("intact, %(count)s entries · %(when)s") % {"count": last.entries, "when": when})


def run_checks() -> list[Check]:
    """The ground's checks, then those of each app's ``health`` hook."""
    broker, queue = check_broker()
    checks = [check_database(), broker, queue, check_beat(), check_outbox(), check_texts(), check_audit()]
    for _app, module in app_hooks("health"):
        checks.extend(module.checks())
    return checks
