"""factory-boy factories and small builders for the archives tests."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from archives.models import (
    ClassLogEntry,
    FocusEntry,
    FocusLevel,
    Instrument,
    Invitation,
    ReportingWindow,
    Screening,
    ScreeningStatus,
    TargetScope,
)
from archives.services import definition as definitions
from archives.services import library, screenings
from archives.services.library import BUILTIN_DIR
from counseling.enums import Channel, Role
from counseling.models import ConcernCategory
from counseling.tests.factories import UserFactory


def builtin(code: str) -> Instrument:
    """PHQ-9 or GAD-7 (installed if a flushed test database lost the migration's rows)."""
    library.install_builtin()
    return Instrument.objects.get(code=code)


def example_definition() -> dict:
    return definitions.load((BUILTIN_DIR / "examples" / "class_climate.json").read_bytes())


def example_instrument() -> Instrument:
    from archives.models import InstrumentSource

    return library.save_definition(example_definition(), source=InstrumentSource.IMPORTED, by=None).instrument


class ScreeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Screening

    title = factory.Sequence(lambda n: f"普查 {n}")
    scope = TargetScope.CLASSES
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    status = ScreeningStatus.DRAFT
    created_by = factory.SubFactory(UserFactory)


def published(instruments, classes, *, by=None, warn: dict | None = None, **fields) -> Screening:
    """A published screening of ``instruments`` for ``classes`` (invitations created).

    Each instrument warns from its definition's default warning band unless ``warn`` names
    another band code (or "" for none).
    """
    creator = by or UserFactory(role=Role.COUNSELOR)
    screening = ScreeningFactory.build(created_by=creator, **fields)
    warn = warn or {}
    parts = []
    for instrument in instruments:
        scoring = instrument.definition.get("scoring") or {}
        default = scoring.get("total", {}).get("warning_band") or "" if scoring else ""
        parts.append((instrument, warn.get(instrument.code, default)))
    screening = screenings.save_screening(screening, by=creator, classes=classes, parts=parts)
    screenings.publish(screening, by=creator)
    return screening


def all_answers(instrument: Instrument, value) -> dict[str, int]:
    """Every choice item of ``instrument`` answered with ``value``."""
    return {item["id"]: value for item in instrument.items if item["type"] == "choice"}


def phq9_answers(total: int, *, item9: int | None = None) -> dict[str, int]:
    """PHQ-9 answers adding up to ``total`` with item 9 answered ``item9`` (default: 0 unless a
    total above 24 needs it)."""
    if item9 is None:
        item9 = max(total - 24, 0)
    answers = {"9": item9}
    left = total - item9
    for item_id in "12345678":
        answers[item_id] = min(3, max(left, 0))
        left -= answers[item_id]
    assert left <= 0 and sum(answers.values()) == total, total
    return answers


def gad7_answers(total: int) -> dict[str, int]:
    answers, left = {}, total
    for item_id in "1234567":
        answers[item_id] = min(3, max(left, 0))
        left -= answers[item_id]
    assert sum(answers.values()) == total, total
    return answers


def answer_all(screening: Screening, totals: list[int]) -> None:
    """The screening's invitations, in the order they were made, answered with these PHQ-9 totals
    (GAD-7 the same, at most 21); invitations beyond ``totals`` stay unanswered."""
    invitations = list(Invitation.objects.filter(screening=screening).order_by("id"))
    for invitation, total in zip(invitations, totals, strict=False):
        screenings.submit(invitation, {"phq9": phq9_answers(total), "gad7": gad7_answers(min(total, 21))})


def post_data(screening: Screening, answers: dict[str, dict], action: str = "submit") -> dict:
    """The POST body a student's browser sends for ``answers`` ({code: {item: value}})."""
    data = {"action": action}
    for part in screening.parts.select_related("instrument"):
        for item_id, value in answers.get(part.instrument.code, {}).items():
            data[screenings.field_name(part, item_id)] = str(value)
    return data


class FocusEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusEntry

    level = FocusLevel.KEY
    category = factory.LazyFunction(
        lambda: ConcernCategory.objects.get_or_create(
            code="emotions", defaults={"name_zh": "情绪", "name_en": "Emotions"}
        )[0]
    )
    teacher_request = "每周谈心一次"
    note = "家庭变故后情绪低落"


class ReportingWindowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingWindow

    title = factory.Sequence(lambda n: f"第{n}周零报告")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=2))


class ClassLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassLogEntry

    channel = Channel.FACE_TO_FACE
    text = "课间谈心，情绪比上周好"
