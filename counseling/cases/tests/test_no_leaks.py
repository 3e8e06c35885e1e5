"""No e-mail, notification, log record or Celery task argument ever carries confidential content."""

from __future__ import annotations

import datetime
import logging

import pytest
from celery import signals
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from counseling.cases.models import SessionNote
from counseling.cases.services import resend_unacknowledged
from counseling.models import AuditEntry, Notification, OutboxMessage
from counseling.services.notify import deliver_due

pytestmark = pytest.mark.django_db

SECRETS = {
    "note": "父亲酗酒后打了她，她不敢回家",
    "analysis": "家庭暴力风险，需启动保护",
    "next": "联系社工并告知主任",
    "addendum": "补充：母亲也受到威胁",
    "intake": "长期受家暴，成绩骤降",
    "referral": "需要儿童保护机构介入",
    "crisis": "在楼梯间割腕，被同学发现",
    "handover": "请特别注意她的自伤史",
    "concern": "手臂上有伤痕，问她也不说",
    "complaint": "心理老师把我的事告诉了同学",
}


@pytest.fixture
def captured_tasks():
    """Every Celery task run (eagerly) during the test, with its arguments."""
    seen: list[tuple] = []

    def on_prerun(sender=None, task_id=None, task=None, args=None, kwargs=None, **extra):
        seen.append((task.name, args, kwargs))

    def on_publish(sender=None, body=None, **extra):
        seen.append((sender, body, None))

    signals.task_prerun.connect(on_prerun, weak=False)
    signals.before_task_publish.connect(on_publish, weak=False)
    yield seen
    signals.task_prerun.disconnect(on_prerun)
    signals.before_task_publish.disconnect(on_publish)


def test_the_whole_confidential_flow_leaks_nothing(
    client_for,
    case,
    counselor,
    other_counselor,
    head,
    leader,
    class_teacher,
    student,
    caplog,
    captured_tasks,
    django_capture_on_commit_callbacks,
) -> None:
    caplog.set_level(logging.DEBUG)
    today = timezone.localdate().isoformat()
    c, h = client_for(counselor), client_for(head)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(class_teacher).post(
            reverse("cases:concern_new"),
            {"student": student.pk, "urgency": "urgent", "description": SECRETS["concern"]},
        )
        client_for(student).post(
            reverse("cases:complaint_new"), {"topic": "privacy", "description": SECRETS["complaint"]}
        )
        c.post(
            reverse("cases:intake_edit", args=[case.pk]),
            {
                "assessed_on": today,
                "method": "interview",
                "study": "mild",
                "relationships": "mild",
                "family": "severe",
                "sleep_and_health": "mild",
                "risk_level": "medium",
                "narrative": SECRETS["intake"],
            },
        )
        c.post(
            reverse("cases:note_add", args=[case.pk]),
            {
                "held_on": today,
                "channel": "face_to_face",
                "duration_minutes": 50,
                "content": SECRETS["note"],
                "analysis": SECRETS["analysis"],
                "next_steps": SECRETS["next"],
            },
        )
        note = SessionNote.objects.get()
        c.post(reverse("cases:note_sign", args=[note.pk]))
        c.post(reverse("cases:note_addendum", args=[note.pk]), {"text": SECRETS["addendum"]})
        c.post(reverse("cases:followup_add", args=[case.pk]), {"due_on": today, "purpose": SECRETS["next"]})
        c.post(
            reverse("cases:referral_add", args=[case.pk]),
            {"institution": "区儿童保护中心", "referred_on": today, "reason": SECRETS["referral"], "status": "made"},
        )
        c.post(
            reverse("cases:crisis_add", args=[case.pk]),
            {
                "risk_level": "imminent",
                "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "narrative": SECRETS["crisis"],
                "hospital": "on",
                "hospital_name": "市第一医院",
            },
        )
        c.get(reverse("cases:case_print", args=[case.pk]))
        c.get(reverse("cases:case_export"))
        h.post(reverse("cases:note_cosign", args=[note.pk]))
        h.post(
            reverse("cases:handover", args=[case.pk]), {"to_counselor": other_counselor.pk, "note": SECRETS["handover"]}
        )
    resend_unacknowledged(timezone.now() + datetime.timedelta(minutes=20))
    with django_capture_on_commit_callbacks(execute=True):
        deliver_due()
    assert len(mail.outbox) >= 6  # crisis to head and leader, concern, complaint, handover notices
    assert Notification.objects.filter(user=leader).exists()

    places = {
        "e-mails": [f"{m.subject}\n{m.body}\n{m.to}" for m in mail.outbox],
        "notifications": [f"{n.title}\n{n.body}\n{n.url}" for n in Notification.objects.all()],
        "outbox": [f"{m.title}\n{m.body}\n{m.url}\n{m.dedupe_key}" for m in OutboxMessage.objects.all()],
        "log records": [record.getMessage() for record in caplog.records]
        + [repr(record.args) for record in caplog.records],
        "task arguments": [repr(task) for task in captured_tasks],
        "audit details": list(AuditEntry.objects.values_list("detail", flat=True)),
    }
    assert captured_tasks, "the outbox delivery task should have run"
    for place, texts in places.items():
        blob = "\n".join(texts)
        for name, secret in SECRETS.items():
            assert secret not in blob, f"{name} leaked into {place}"
