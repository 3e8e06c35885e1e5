"""Retainable kinds of the school-year app (the ``retention`` hook, see counseling.hooks)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from counseling.hooks import RetentionKind
from counseling.models.consent import ConsentRecord


def expired_consent(graduates: QuerySet) -> QuerySet:
    """Consent records of students who graduated before the cutoff."""
    return ConsentRecord.objects.filter(student__in=graduates)


def remove_consent(record: ConsentRecord) -> None:
    record.delete()


KINDS = [
    RetentionKind(
        key="schoolyear.consent",
        label=_("Guardian consent records"),
        event=_("student graduated"),
        default_months=36,
        after_graduation=expired_consent,
        remove=remove_consent,
        student_id=lambda record: record.student_id,
        describe=lambda record: f"#{record.pk} {record.dated:%Y-%m-%d} {record.purpose} {record.state}",
    ),
]
