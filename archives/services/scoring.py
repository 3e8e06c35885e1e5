"""Scoring answers against a normalised instrument definition (see archives.services.definition).

Pure functions: no database, so scoring is cheap to test at every band edge and to run for
thousands of answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Band:
    code: str
    level: int
    label: dict[str, str]


@dataclass(frozen=True)
class Score:
    """What one person's answers to one instrument come to."""

    total: int | None
    band: Band | None
    subscales: dict[str, int] = field(default_factory=dict)
    critical_items: tuple[str, ...] = ()

    @property
    def is_critical(self) -> bool:
        return bool(self.critical_items)


@dataclass
class AnswerCheck:
    """Answers sorted into the clean ones, the missing required items and the out-of-option ones."""

    clean: dict[str, int | str]
    missing: list[str]
    invalid: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing and not self.invalid


MAX_TEXT_ANSWER = 2000


def check_answers(definition: dict, answers: dict[str, object]) -> AnswerCheck:
    """Sort raw answers (item id -> submitted value, any type) by the definition's items.

    Choice answers must be one of the item's option values (a number, or its text form as a
    form posts it); text answers are trimmed and cut to MAX_TEXT_ANSWER characters. Unknown
    item ids are ignored. Items are listed in the definition's order.
    """
    clean: dict[str, int | str] = {}
    missing: list[str] = []
    invalid: list[str] = []
    for item in definition["items"]:
        raw = answers.get(item["id"])
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if item["required"]:
                missing.append(item["id"])
            continue
        if item["type"] == "text":
            clean[item["id"]] = str(raw).strip()[:MAX_TEXT_ANSWER]
            continue
        value = _as_int(raw)
        if value is None or value not in {option["value"] for option in item["options"]}:
            invalid.append(item["id"])
            continue
        clean[item["id"]] = value
    return AnswerCheck(clean, missing, invalid)


def _as_int(raw: object) -> int | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if text.lstrip("-").isdecimal():
            return int(text)
    return None


def item_score(item: dict, value: int) -> int:
    """The score of one answered choice item; a reverse-scored item counts from the other end."""
    if not item["reverse"]:
        return value
    values = [option["value"] for option in item["options"]]
    return max(values) + min(values) - value


def band_for(bands: list[dict], total: int) -> Band | None:
    for band in bands:
        if band["min"] <= total <= band["max"]:
            return Band(band["code"], band["level"], band["label"])
    return None


def critical_items(definition: dict, answers: dict[str, object]) -> tuple[str, ...]:
    """The ids of critical items answered with a critical value; ``answers`` may be incomplete
    (a draft, or a submission refused for missing items), so a critical answer is seen at once."""
    return tuple(
        item["id"]
        for item in definition["items"]
        if item["critical_values"] and answers.get(item["id"]) in item["critical_values"]
    )


def score(definition: dict, answers: dict[str, int | str]) -> Score:
    """Score complete, checked answers (see ``check_answers``).

    Returns the total and its band, each subscale's score and the ids of critical items
    answered with a critical value. An instrument without scoring has no total and no band but
    may still have critical items.
    """
    items = {item["id"]: item for item in definition["items"]}
    critical = critical_items(definition, answers)
    scoring = definition.get("scoring")
    if not scoring:
        return Score(total=None, band=None, critical_items=critical)

    def add_up(item_ids: list[str]) -> int:
        return sum(item_score(items[item_id], answers[item_id]) for item_id in item_ids)

    total_scale = scoring["total"]
    total = add_up(total_scale["items"])
    subscales = {sub["code"]: add_up(sub["items"]) for sub in scoring["subscales"]}
    return Score(
        total=total,
        band=band_for(total_scale["bands"], total),
        subscales=subscales,
        critical_items=critical,
    )


def band_level(definition: dict, code: str | None) -> int | None:
    """The concern level of the total's band ``code`` (None when there is no such band)."""
    scoring = definition.get("scoring")
    if not scoring or not code:
        return None
    for band in scoring["total"]["bands"]:
        if band["code"] == code:
            return band["level"]
    return None


def top_band_level(definition: dict) -> int | None:
    """The concern level of the total's most concerning band (None for an instrument without scoring)."""
    scoring = definition.get("scoring")
    if not scoring or not scoring["total"]["bands"]:
        return None
    return max(band["level"] for band in scoring["total"]["bands"])
