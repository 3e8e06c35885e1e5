"""The Celery application and its static beat schedule.

Work that must happen at a time lives in database tables (the outbox) that these periodic
tasks scan; nothing is scheduled far ahead through the broker.
"""

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counseling.settings")


def _district() -> bool:
    # Asked when the first task is made or sent, once the settings are loaded (never at import:
    # this module is imported before the test settings are chosen).
    return bool(getattr(settings, "DISTRICT", False))


class CounselingCelery(Celery):
    """Celery, which in a district installation carries each task to the school it was sent from.

    There (tenant-schemas-celery) a task is sent with the schema of the connection that sent it and
    runs in that schema on the worker; beat sends each periodic task once per school (the
    scheduler named in the settings). A single school is plain Celery.
    """

    def create_task_cls(self):
        if _district():
            import tenant_schemas_celery.app  # noqa: F401 — connects the schema switch around each task

            return self.subclass_with_self(
                "tenant_schemas_celery.task:TenantTask", abstract=True, name="TenantTask", attribute="_app"
            )
        return super().create_task_cls()

    def send_task(self, name, args=None, kwargs=None, **options):
        if _district():
            from tenant_schemas_celery.task import headers_with_schema

            options["headers"] = headers_with_schema(options.get("headers") or {})
        return super().send_task(name, args=args, kwargs=kwargs, **options)


app = CounselingCelery("counseling")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Retry delays stay far below the broker's visibility timeout (3600 s), so a retried task is
# never delivered twice because the broker thought it lost.
MAX_RETRY_DELAY = 600

app.conf.beat_schedule = {
    "deliver-outbox": {"task": "counseling.deliver_outbox", "schedule": 60.0},
    "beat-heartbeat": {"task": "counseling.beat_heartbeat", "schedule": 60.0},
    "archives-survey-reminders": {"task": "archives.send_survey_reminders", "schedule": 15 * 60.0},
    "archives-zero-report-reminders": {"task": "archives.remind_zero_reports", "schedule": 60 * 60.0},
    "appointments-expire-offers": {"task": "appointments.expire_offers", "schedule": 60.0},
    "campaigns-advance-statuses": {"task": "campaigns.advance_statuses", "schedule": 900.0},
    "campaigns-send-reminders": {"task": "campaigns.send_reminders", "schedule": 900.0},
    "cases-resend-escalations": {"task": "cases.resend_unacknowledged_escalations", "schedule": 60.0},
    "cases-resend-signals": {"task": "cases.resend_unacknowledged_signals", "schedule": 60.0},
    # Before the digests, so the head counselor's digest carries today's anchor.
    "daily-audit-check": {"task": "counseling.verify_audit", "schedule": crontab(hour=6, minute=45)},
    "daily-digests": {"task": "counseling.send_daily_digests", "schedule": crontab(hour=7, minute=0)},
    "weekly-note": {"task": "counseling.send_weekly_note", "schedule": crontab(day_of_week="mon", hour=7, minute=30)},
    "reports-build-pending": {"task": "reports.build_pending", "schedule": 60.0},
    "reports-draft-at-term-end": {"task": "reports.draft_at_term_end", "schedule": crontab(hour=6, minute=0)},
    "schoolyear-apply-retention": {"task": "schoolyear.apply_retention", "schedule": crontab(day_of_month=1, hour=3, minute=30)},
}
