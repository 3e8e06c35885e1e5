"""Who may take part in a screening: the guardian-consent rule of counseling.schoolyear, asked once
per student and kind of screening (named or anonymous), so lists cost a fixed number of queries."""

from __future__ import annotations

import datetime

from django.utils import timezone

from archives.models import Screening
from counseling.services.consent import screening_permitted


class Participation:
    """``may_take_part(screening)`` for one student on one day, asking the rule at most twice."""

    def __init__(self, student, on: datetime.date | None = None) -> None:
        self.student = student
        self.on = on or timezone.localdate()
        self._answers: dict[bool, bool] = {}

    def may_take_part(self, screening: Screening) -> bool:
        named = not screening.is_anonymous
        if named not in self._answers:
            self._answers[named] = screening_permitted(self.student, named=named, on=self.on)
        return self._answers[named]


def may_take_part(student, screening: Screening, on: datetime.date | None = None) -> bool:
    """May ``student`` answer ``screening`` (and, if it is named, may their answers be kept)?"""
    return Participation(student, on).may_take_part(screening)
