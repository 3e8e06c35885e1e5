"""factory-boy factories for the school-year app."""

from __future__ import annotations

import datetime

import factory

from counseling.enums import ConsentMethod, ConsentPurpose, ConsentState
from counseling.models.consent import ConsentRecord
from counseling.tests.factories import UserFactory


class ConsentRecordFactory(factory.django.DjangoModelFactory):
    """A record written straight in; use services.consent.record_consent to get the current flag right."""

    class Meta:
        model = ConsentRecord

    student = factory.SubFactory(UserFactory)
    purpose = ConsentPurpose.SCREENING
    state = ConsentState.GIVEN
    dated = datetime.date(2026, 9, 10)
    method = ConsentMethod.PAPER
    reference = factory.Sequence(lambda n: f"SC-{n:03d}")
    is_current = True
