"""The demo data of the case records: every status for two counselors, idempotent."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from counseling import demo as school_demo
from counseling.cases import demo
from counseling.cases.enums import CaseStatus
from counseling.cases.models import Case, Complaint, Concern, Escalation, Referral, SessionNote
from counseling.models import AuditEntry

pytestmark = pytest.mark.django_db


def _ctx() -> SimpleNamespace:
    ctx = SimpleNamespace(rng=random.Random(2026), today=timezone.localdate(), users={}, stdout=None)
    school_demo.seed(ctx)
    return ctx


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Case, SessionNote, Referral, Escalation, Concern, Complaint, AuditEntry)
    }


def test_demo_has_every_status_for_two_counselors_and_is_idempotent() -> None:
    ctx = _ctx()
    demo.seed(ctx)
    first = _counts()
    demo.seed(ctx)
    assert _counts() == first
    for counselor in ("counselor1", "counselor2"):
        statuses = set(Case.objects.filter(counselor__username=counselor).values_list("status", flat=True))
        assert statuses == set(CaseStatus.values)
    student1_case = Case.objects.get(student__username="student1")
    assert (student1_case.counselor.username, student1_case.status) == ("counselor1", CaseStatus.OPEN)
    assert SessionNote.objects.filter(signed_at__isnull=True).exists()
    assert SessionNote.objects.filter(signed_at__isnull=False).exists()
    assert Referral.objects.exists()
    assert Escalation.objects.filter(acknowledged_at__isnull=False).exists()
    assert AuditEntry.objects.filter(object_type__startswith="cases.").count() > 20
    call_command("verify_audit")
