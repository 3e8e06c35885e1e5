"""The instrument library: shipping the built-in scales, importing definition files, building
simple questionnaires in the app."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from archives.models import Instrument, InstrumentSource, ScreeningInstrument
from counseling.models.audit import AuditAction
from counseling.services.audit import record

from . import definition as definitions

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "instruments"
# The scales shipped with the software: free to reproduce and translate (see their notices).
BUILTIN_FILES = ("phq9.json", "gad7.json")


def instrument_fields(definition: dict) -> dict:
    """The column values an Instrument row copies out of its normalised definition."""
    return {
        "version": definition["version"],
        "name_zh": definitions.localized(definition["name"], "zh-hans"),
        "name_en": definitions.localized(definition["name"], "en"),
        "definition": definition,
        "is_scored": bool(definition.get("scoring")),
        "item_count": len(definition["items"]),
        "min_age": definition["age"]["min"],
        "max_age": definition["age"]["max"],
    }


def builtin_definitions() -> list[dict]:
    return [definitions.load((BUILTIN_DIR / name).read_bytes()) for name in BUILTIN_FILES]


def install_builtin(model=Instrument) -> int:
    """Create or refresh the shipped instruments (PHQ-9, GAD-7). Idempotent; returns how many.

    ``model`` lets a data migration pass its historical model. Results already stored keep
    the totals and bands they were scored with.
    """
    count = 0
    for definition in builtin_definitions():
        fields = instrument_fields(definition)
        model.objects.update_or_create(
            code=definition["code"], defaults={**fields, "source": InstrumentSource.BUILTIN, "is_active": True}
        )
        count += 1
    return count


@dataclass
class Saved:
    instrument: Instrument
    created: bool


def save_definition(definition: dict, *, source: InstrumentSource, by, request: HttpRequest | None = None) -> Saved:
    """Store a checked definition as a new instrument, or replace an unused one with the same code.

    Raises DefinitionError when the code belongs to a shipped scale or to an instrument that a
    screening already uses (its answers must keep meaning what they meant). Side effects: the
    instrument row; an audit entry (create or change).
    """
    code = definition["code"]
    with transaction.atomic():
        existing = Instrument.objects.select_for_update().filter(code=code).first()
        if existing is not None:
            if existing.source == InstrumentSource.BUILTIN:
                raise definitions.DefinitionError(
                    [
                        _("code: “%(code)s” belongs to a scale shipped with the software; choose another code")
                        % {"code": code}
                    ]
                )
            if ScreeningInstrument.objects.filter(instrument=existing).exists():
                raise definitions.DefinitionError(
                    [
                        _(
                            "code: “%(code)s” is already used by a screening; import the new version under a new code (e.g. “%(code)s-v2”)"
                        )
                        % {"code": code}
                    ]
                )
        instrument, created = Instrument.objects.update_or_create(
            code=code, defaults={**instrument_fields(definition), "source": source, "created_by": by, "is_active": True}
        )
        record(
            by,
            AuditAction.CREATE if created else AuditAction.CHANGE,
            instrument,
            request=request,
            detail=f"code={code}",
        )
    return Saved(instrument, created)


def import_file(data: bytes, *, by, request: HttpRequest | None = None) -> Saved:
    """Read, check and store an uploaded definition file. Raises DefinitionError listing every problem."""
    return save_definition(definitions.load(data), source=InstrumentSource.IMPORTED, by=by, request=request)


def build_definition(
    *,
    code: str,
    name: str,
    instructions: str,
    options: list[tuple[int, str]],
    items: list[tuple[str, bool, bool]],
    bands: list[tuple[int, int, str]],
    language: str,
) -> dict:
    """A definition for a simple one-language questionnaire built in the app.

    ``options`` are (value, label) shared by every choice item; ``items`` are (text, is_text_item,
    is_reverse); ``bands`` (min, max, label) make it scored; with no bands and ``options`` all
    scored as 0 it is an unscored questionnaire. Raises DefinitionError when the result breaks
    a rule of the format.
    """
    raw: dict = {
        "format": definitions.FORMAT,
        "code": code,
        "version": "1",
        "languages": [language],
        "name": name,
        "instructions": instructions,
        "option_sets": {"answers": [{"value": value, "label": label} for value, label in options]},
        "items": [],
    }
    for index, (text, is_text, is_reverse) in enumerate(items, start=1):
        item: dict = {"id": str(index), "text": text}
        if is_text:
            item.update(type="text", required=False)
        else:
            item.update(options="answers", reverse=is_reverse, scored=bool(bands))
        raw["items"].append(item)
    if bands:
        raw["scoring"] = {
            "total": {
                "bands": [
                    {"code": f"band-{index}", "min": low, "max": high, "label": label}
                    for index, (low, high, label) in enumerate(bands, start=1)
                ]
            }
        }
    return definitions.parse(raw)


def retire(instrument: Instrument, *, by, request: HttpRequest | None = None) -> None:
    """Hide an instrument from new screenings (its results stay). Side effects: row; audit entry."""
    if not instrument.is_active:
        return
    instrument.is_active = False
    instrument.save(update_fields=["is_active", "updated_at"])
    record(by, AuditAction.CHANGE, instrument, request=request, detail="retired")
