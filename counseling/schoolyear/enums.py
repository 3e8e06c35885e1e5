"""Choices of the school-year app: consent purposes, states and methods, retention run status."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentPurpose(models.TextChoices):
    SCREENING = "screening", _("Psychological screening")
    GUARDIAN_CONTACT = "guardian_contact", _("Counseling contact with the guardian")


class ConsentState(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    UNKNOWN = "unknown", _("Unknown")


# A guardian who refused, or withdrew what they had given, has opted out: their child is not asked.
OPTED_OUT = (ConsentState.REFUSED, ConsentState.WITHDRAWN)


class ConsentMethod(models.TextChoices):
    PAPER = "paper", _("Paper form")
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
