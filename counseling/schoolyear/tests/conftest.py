"""Fixtures of the school-year tests: a whole demo school, as seed_demo builds it."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest
from django.utils import timezone


@pytest.fixture
def demo_school(db):
    """The directory part of the demo (six grades of four classes, 600 students, staff) and this app's demo."""
    from counseling import demo as directory
    from counseling.schoolyear import demo as schoolyear

    ctx = SimpleNamespace(rng=random.Random(2026), today=timezone.localdate(), users={}, stdout=None)
    directory.seed(ctx)
    schoolyear.seed(ctx)
    return ctx
