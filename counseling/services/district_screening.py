"""The district's screenings as a school sees them (issue 19 §3): a ground module, so the features
read what the district published without importing the district app (the layers forbid it).

In a single-school install there is no district: every function returns nothing. In a district the
rows are read from the district's shared schema (``public``) by app label, then the connection goes
back to the school's schema.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings


@dataclass(frozen=True)
class DistrictScreening:
    id: int
    title: str
    instrument_code: str
    opens_on: datetime.date
    closes_on: datetime.date
    grade_levels: tuple[int, ...]


def _rows(**filters) -> list[DistrictScreening]:
    if not getattr(settings, "DISTRICT", False):
        return []
    from django_tenants.utils import schema_context

    model = apps.get_model("district", "ScreeningTemplate")
    with schema_context("public"):
        rows = list(
            model.objects.filter(**filters)
            .order_by("-opens_on", "-id")
            .values("id", "title", "instrument_code", "opens_on", "closes_on", "grade_levels")
        )
    return [
        DistrictScreening(**{**row, "grade_levels": tuple(int(level) for level in row["grade_levels"] or ())})
        for row in rows
    ]


def published() -> list[DistrictScreening]:
    """The district's screenings, the latest window first (none outside a district)."""
    return _rows()


def get(template_id: int) -> DistrictScreening | None:
    """One of the district's screenings, or None (also outside a district)."""
    found = _rows(pk=template_id)
    return found[0] if found else None
