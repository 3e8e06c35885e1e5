"""Fixtures of the case-record tests: a case of the standard student held by the standard counselor."""

from __future__ import annotations

import pytest

from counseling.cases.tests.factories import CaseFactory, NoteFactory
from counseling.enums import Role

# The project's browser-journey fixtures (demo school, signed-in journeys checked with axe-core).
from counseling.tests.browser.conftest import (  # noqa: F401
    browser_context_args,
    browser_type_launch_args,
    demo_school,
    journey,
    phone_journey,
)
from counseling.tests.factories import UserFactory


@pytest.fixture
def case(student, counselor):
    return CaseFactory(student=student, counselor=counselor)


@pytest.fixture
def note(case):
    return NoteFactory(case=case)


@pytest.fixture
def second_leader(db):
    return UserFactory(username="moral", name="黄德育", role=Role.LEADER)
