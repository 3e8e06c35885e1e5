"""What the other feature apps may ask of the archives: this module, and nothing else.

The allowed cross-app calls (docs/architecture.md, "The contract between the features"): the
short questionnaires of the instrument library a campaign may use as a feedback form after a
parent class, the choice items of one of them, and ``localized`` to show their texts
(kept as ``{language: text}``) in the reader's language. Nothing here reaches a student's archive,
a screening or a result. A feature that needs more adds it here.
"""

from __future__ import annotations

from dataclasses import dataclass

from archives.models import Instrument
from archives.texts import localized

# A feedback form is answered on a phone after an evening class: a handful of questions.
MAX_FEEDBACK_ITEMS = 15


@dataclass(frozen=True)
class FeedbackInstrument:
    code: str
    name: str
    item_count: int


def feedback_instruments() -> list[FeedbackInstrument]:
    """Active, unscored instruments with at most ``MAX_FEEDBACK_ITEMS`` items, by name.

    Scored scales (PHQ-9, GAD-7, a class climate scale) measure a person and are left out: a
    feedback form asks about the event, and its answers are only ever counted.
    """
    rows = Instrument.objects.active().filter(is_scored=False, item_count__gt=0, item_count__lte=MAX_FEEDBACK_ITEMS)
    found = [FeedbackInstrument(row.code, row.name, row.item_count) for row in rows]
    return sorted(found, key=lambda row: (row.name, row.code))


def feedback_items(code: str) -> tuple[str, list[dict]] | None:
    """The name and choice items of one feedback instrument, or None when it is not one.

    Each item is ``{"id", "text": {language: text}, "options": [{"value", "label": {language: text}}]}``
    (lists, so the order survives any JSON column). Free-text items are left out: a sentence
    written by a parent can say who wrote it, and the answers must stay anonymous.
    """
    allowed = {row.code for row in feedback_instruments()}
    if code not in allowed:
        return None
    instrument = Instrument.objects.get(code=code)
    items = [
        {
            "id": item["id"],
            "text": item["text"],
            "options": [{"value": option["value"], "label": option["label"]} for option in item["options"]],
        }
        for item in instrument.items
        if item.get("type", "choice") == "choice"
    ]
    if not items:
        return None
    return localized({"zh-hans": instrument.name_zh, "en": instrument.name_en}), items


@dataclass(frozen=True)
class LibraryInstrument:
    """A built-in scale as the district office chooses it: its code, name and result bands."""

    code: str
    name: str
    bands: tuple[tuple[str, str], ...]


def builtin_instruments() -> list[LibraryInstrument]:
    """The scales every school installs (PHQ-9, GAD-7), read from the shipped files: no table needed,
    so the district's own schema can list them. Band labels in the reader's language."""
    from archives.services.library import builtin_definitions

    return [
        LibraryInstrument(
            definition["code"],
            localized(definition["name"]),
            tuple(
                (band["code"], localized(band["label"]))
                for band in ((definition.get("scoring") or {}).get("total") or {}).get("bands", [])
            ),
        )
        for definition in builtin_definitions()
    ]


__all__ = [
    "MAX_FEEDBACK_ITEMS",
    "FeedbackInstrument",
    "LibraryInstrument",
    "builtin_instruments",
    "feedback_instruments",
    "feedback_items",
    "localized",
]
