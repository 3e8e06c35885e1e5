"""Retainable kinds of the school-year app (see counseling.schoolyear.registry)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from counseling.schoolyear.models import ConsentRecord
from counseling.schoolyear.registry import RetentionKind
from counseling.schoolyear.services.rollover import graduated_students


def expired_consent(cutoff: datetime.datetime) -> QuerySet:
    """Consent records of students who graduated before ``cutoff``."""
    return ConsentRecord.objects.filter(student__in=graduated_students(cutoff))


def remove_consent(record: ConsentRecord) -> None:
    record.delete()


KINDS = [
    RetentionKind(
        key="schoolyear.consent",
        label=_("Guardian consent records"),
        event=_("student graduated"),
        default_months=36,
        expired=expired_consent,
        remove=remove_consent,
        student_id=lambda record: record.student_id,
        describe=lambda record: f"#{record.pk} {record.dated:%Y-%m-%d} {record.purpose} {record.state}",
    ),
]
