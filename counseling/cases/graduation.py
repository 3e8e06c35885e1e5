"""The ``graduation`` hook: cases still open for students about to graduate.

The new-year wizard lists them before it applies, so the counselors can close or hand over a
case, or keep it open on purpose, before the student's account is archived. The wizard is the
administrator's: it gets the count per case holder, never which students.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from counseling.cases.models import Case
from counseling.hooks import OpenAtGraduation


def open_at_graduation(students: QuerySet) -> list[OpenAtGraduation]:
    """One line per counselor holding an open case of one of ``students`` (user ids or users)."""
    rows = (
        Case.objects.active()
        .filter(student__in=students)
        .values("counselor__name", "counselor__username")
        .annotate(count=Count("id"))
        .order_by("counselor__name", "counselor__username")
    )
    return [
        OpenAtGraduation(_("open cases"), row["counselor__name"] or row["counselor__username"], row["count"])
        for row in rows
    ]
