"""The instrument definition format: reading, checking and normalising a definition file.

An instrument (a questionnaire or a scale) is data, not code. Its definition is a JSON document
described in ``archives/instruments/README.md``. ``parse`` checks every rule at once and raises
``DefinitionError`` with one readable message per problem (with the place in the file), so an
office importing its own licensed scale sees everything that is wrong in one go.

The normalised form that ``parse`` returns is itself a valid definition: every text is a
``{language: text}`` object holding each of the definition's languages, option lists are written
out on each item, and defaults are filled in. Exporting it and importing it again gives the same
instrument.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _

from archives.texts import LANGUAGES, localized  # noqa: F401 - re-exported for callers

FORMAT = 1
MAX_BYTES = 256 * 1024
MAX_ITEMS = 200
MAX_OPTIONS = 11
ITEM_TYPES = ("choice", "text")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
ITEM_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
TEXT_LIMITS = {"name": 200, "short_name": 40, "description": 2000, "instructions": 2000, "notice": 2000}


class DefinitionError(Exception):
    """The definition breaks one or more rules; ``errors`` lists each problem."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def load(data: bytes | str) -> dict:
    """Read and check a definition file's content; returns the normalised definition."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise DefinitionError([_("The file is larger than 256 KB.")])
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DefinitionError([_("The file is not UTF-8 text.")]) from exc
    try:
        raw = json.loads(data)
    except json.JSONDecodeError as exc:
        raise DefinitionError(
            [
                _("The file is not valid JSON (line %(line)d, column %(column)d: %(problem)s).")
                % {"line": exc.lineno, "column": exc.colno, "problem": exc.msg}
            ]
        ) from exc
    return parse(raw)


def dumps(definition: dict) -> str:
    """The definition as a JSON document, for export."""
    return json.dumps(definition, ensure_ascii=False, indent=2) + "\n"


def parse(raw: Any) -> dict:
    """Check a definition (already read from JSON) and return its normalised form.

    Raises DefinitionError listing every problem found.
    """
    checker = _Checker()
    result = checker.definition(raw)
    if checker.errors:
        raise DefinitionError(checker.errors)
    return result


class _Checker:
    """Walks a raw definition, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.languages: list[str] = list(LANGUAGES)

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def definition(self, raw: Any) -> dict:
        if not isinstance(raw, dict):
            self.errors.append(_("The definition must be a JSON object ({ ... })."))
            return {}
        known = {
            "format", "code", "version", "languages", "name", "short_name", "description",
            "instructions", "notice", "age", "option_sets", "items", "scoring",
        }  # fmt: skip
        for key in sorted(set(raw) - known):
            self.fail(key, _("unknown field; check its spelling against the format description"))
        if raw.get("format") != FORMAT:
            self.fail("format", _("must be %(format)d") % {"format": FORMAT})
        code = raw.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code):
            self.fail("code", _("must be 1–40 lower-case letters, digits, “-” or “_”, starting with a letter or digit"))
        version = raw.get("version", "1")
        if not isinstance(version, str | int) or not str(version).strip() or len(str(version)) > 20:
            self.fail("version", _("must be a short text such as “1” or “2026-1”"))
        languages = raw.get("languages", list(LANGUAGES))
        if (
            not isinstance(languages, list)
            or not languages
            or any(lang not in LANGUAGES for lang in languages)
            or len(set(languages)) != len(languages)
        ):
            self.fail(
                "languages", _("must be a list of one or more of: %(languages)s") % {"languages": ", ".join(LANGUAGES)}
            )
        else:
            self.languages = list(languages)

        out: dict[str, Any] = {
            "format": FORMAT,
            "code": code if isinstance(code, str) else "",
            "version": str(version),
            "languages": self.languages,
        }
        out["name"] = self.text(raw.get("name"), "name", TEXT_LIMITS["name"], required=True)
        for key in ("short_name", "description", "instructions", "notice"):
            out[key] = self.text(raw.get(key), key, TEXT_LIMITS[key], required=False)
        out["age"] = self.age(raw.get("age"))
        option_sets = self.option_sets(raw.get("option_sets", {}))
        out["items"] = self.items(raw.get("items"), option_sets)
        out["scoring"] = self.scoring(raw.get("scoring"), out["items"])
        return out

    # Texts -------------------------------------------------------------------------------
    def text(self, value: Any, where: str, limit: int, *, required: bool) -> dict[str, str]:
        """A text is a string (the same in every language) or {language: text} for each language."""
        if value is None or value == "":
            if required:
                self.fail(where, _("is required"))
            return dict.fromkeys(self.languages, "")
        if isinstance(value, str):
            value = dict.fromkeys(self.languages, value)
        if not isinstance(value, dict):
            self.fail(where, _("must be a text or an object with one text per language"))
            return dict.fromkeys(self.languages, "")
        out = {}
        for lang in self.languages:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                if required or any(value.values()):
                    self.fail(where, _("the text in “%(language)s” is missing") % {"language": lang})
                text = ""
            elif len(text) > limit:
                self.fail(
                    where,
                    _("the text in “%(language)s” is longer than %(limit)d characters")
                    % {"language": lang, "limit": limit},
                )
            out[lang] = (text or "").strip()
        for extra in sorted(set(value) - set(self.languages)):
            self.fail(where, _("“%(language)s” is not one of the definition's languages") % {"language": extra})
        return out

    # Age -----------------------------------------------------------------------------------
    def age(self, value: Any) -> dict[str, int | None]:
        if value is None:
            return {"min": None, "max": None}
        if not isinstance(value, dict) or set(value) - {"min", "max"}:
            self.fail("age", _('must be an object like {"min": 12, "max": 18}'))
            return {"min": None, "max": None}
        bounds = {}
        for key in ("min", "max"):
            bound = value.get(key)
            if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool) or not 3 <= bound <= 99):
                self.fail(f"age.{key}", _("must be a whole number of years from 3 to 99, or null"))
                bound = None
            bounds[key] = bound
        if bounds["min"] is not None and bounds["max"] is not None and bounds["min"] > bounds["max"]:
            self.fail("age", _("the minimum age is above the maximum age"))
        return bounds

    # Options -------------------------------------------------------------------------------
    def option_sets(self, value: Any) -> dict[str, list[dict]]:
        if not isinstance(value, dict):
            self.fail("option_sets", _("must be an object of named option lists"))
            return {}
        return {name: self.options(options, f"option_sets.{name}") for name, options in value.items()}

    def options(self, value: Any, where: str) -> list[dict]:
        if not isinstance(value, list) or not 2 <= len(value) <= MAX_OPTIONS:
            self.fail(where, _("must be a list of 2 to %(max)d options") % {"max": MAX_OPTIONS})
            return []
        out, seen = [], set()
        for index, option in enumerate(value):
            here = f"{where}[{index}]"
            if not isinstance(option, dict):
                self.fail(here, _("must be an object with a value and a label"))
                continue
            number = option.get("value")
            if not isinstance(number, int) or isinstance(number, bool) or not -100 <= number <= 100:
                self.fail(f"{here}.value", _("must be a whole number from -100 to 100"))
                continue
            if number in seen:
                self.fail(f"{here}.value", _("%(value)d is used twice in this list") % {"value": number})
            seen.add(number)
            out.append({"value": number, "label": self.text(option.get("label"), f"{here}.label", 100, required=True)})
        return out

    # Items ---------------------------------------------------------------------------------
    def items(self, value: Any, option_sets: dict[str, list[dict]]) -> list[dict]:
        if not isinstance(value, list) or not value:
            self.fail("items", _("must be a list of at least one item"))
            return []
        if len(value) > MAX_ITEMS:
            self.fail("items", _("may hold at most %(max)d items") % {"max": MAX_ITEMS})
            return []
        out, seen = [], set()
        for index, raw in enumerate(value):
            where = f"items[{index}]"
            if not isinstance(raw, dict):
                self.fail(where, _("must be an object"))
                continue
            known = {"id", "type", "text", "options", "reverse", "scored", "critical_values", "required"}
            for key in sorted(set(raw) - known):
                self.fail(f"{where}.{key}", _("unknown field"))
            item_id = raw.get("id", str(index + 1))
            if isinstance(item_id, int) and not isinstance(item_id, bool):
                item_id = str(item_id)
            if not isinstance(item_id, str) or not ITEM_ID_RE.match(item_id):
                self.fail(f"{where}.id", _("must be 1–20 letters, digits, “-” or “_”"))
                item_id = f"?{index}"
            elif item_id in seen:
                self.fail(f"{where}.id", _("“%(id)s” is used by another item") % {"id": item_id})
            seen.add(item_id)
            where = f"items[{index}] (id {item_id})"
            kind = raw.get("type", "choice")
            if kind not in ITEM_TYPES:
                self.fail(f"{where}.type", _("must be “choice” or “text”"))
                kind = "choice"
            item: dict[str, Any] = {
                "id": item_id,
                "type": kind,
                "text": self.text(raw.get("text"), f"{where}.text", 500, required=True),
                "required": self.flag(raw, "required", where, default=True),
            }
            if kind == "text":
                for key in ("options", "reverse", "critical_values"):
                    if raw.get(key):
                        self.fail(f"{where}.{key}", _("a text item cannot have this"))
                if raw.get("scored"):
                    self.fail(f"{where}.scored", _("a text item cannot be scored"))
                item.update(options=[], reverse=False, scored=False, critical_values=[])
                out.append(item)
                continue
            options = raw.get("options")
            if isinstance(options, str):
                if options not in option_sets:
                    self.fail(f"{where}.options", _("there is no option set named “%(name)s”") % {"name": options})
                    options = []
                else:
                    options = option_sets[options]
            else:
                options = self.options(options, f"{where}.options")
            item["options"] = options
            item["reverse"] = self.flag(raw, "reverse", where, default=False)
            item["scored"] = self.flag(raw, "scored", where, default=True)
            if item["reverse"] and not item["scored"]:
                self.fail(f"{where}.reverse", _("only a scored item can be reverse-scored"))
            critical = raw.get("critical_values", [])
            values = [option["value"] for option in options]
            if not isinstance(critical, list) or any(not isinstance(v, int) or isinstance(v, bool) for v in critical):
                self.fail(f"{where}.critical_values", _("must be a list of option values"))
                critical = []
            for number in critical if values else []:
                if number not in values:
                    self.fail(
                        f"{where}.critical_values",
                        _("%(value)s is not one of the item's option values (%(values)s)")
                        % {"value": number, "values": ", ".join(str(v) for v in values)},
                    )
            if critical and not item["required"]:
                self.fail(f"{where}.critical_values", _("a critical item must be required"))
            item["critical_values"] = sorted(set(critical) & set(values))
            out.append(item)
        return out

    def flag(self, raw: dict, key: str, where: str, *, default: bool) -> bool:
        value = raw.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"{where}.{key}", _("must be true or false"))
            return default
        return value

    # Scoring -------------------------------------------------------------------------------
    def scoring(self, value: Any, items: list[dict]) -> dict | None:
        if value is None:
            return None
        if not isinstance(value, dict) or set(value) - {"total", "subscales"} or "total" not in value:
            self.fail("scoring", _("must be an object with “total” and optional “subscales”, or null for no scoring"))
            return None
        scored = {item["id"]: item for item in items if item["scored"] and item["type"] == "choice"}
        if not scored:
            self.fail("scoring", _("no item is scored; remove “scoring” for a questionnaire without scores"))
            return None
        total = self.scale(value["total"], "scoring.total", scored, default_all=True, named=False)
        subscales = []
        raw_subscales = value.get("subscales", [])
        if not isinstance(raw_subscales, list):
            self.fail("scoring.subscales", _("must be a list"))
            raw_subscales = []
        codes = set()
        for index, raw in enumerate(raw_subscales):
            sub = self.scale(raw, f"scoring.subscales[{index}]", scored, default_all=False, named=True)
            if sub is not None:
                if sub["code"] in codes:
                    self.fail(f"scoring.subscales[{index}].code", _("“%(code)s” is used twice") % {"code": sub["code"]})
                codes.add(sub["code"])
                subscales.append(sub)
        return {"total": total, "subscales": subscales} if total is not None else None

    def scale(self, raw: Any, where: str, scored: dict[str, dict], *, default_all: bool, named: bool) -> dict | None:
        if not isinstance(raw, dict):
            self.fail(where, _("must be an object"))
            return None
        allowed = {"items", "bands", "warning_band"} | ({"code", "name"} if named else set())
        for key in sorted(set(raw) - allowed):
            self.fail(f"{where}.{key}", _("unknown field"))
        out: dict[str, Any] = {}
        if named:
            code = raw.get("code")
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.fail(f"{where}.code", _("must be 1–40 lower-case letters, digits, “-” or “_”"))
                code = "?"
            out["code"] = code
            out["name"] = self.text(raw.get("name"), f"{where}.name", 100, required=True)
        item_ids = raw.get("items", list(scored) if default_all else None)
        if not isinstance(item_ids, list) or not item_ids:
            self.fail(f"{where}.items", _("must list the ids of the scored items it adds up"))
            return None
        item_ids = [str(i) if isinstance(i, int) else i for i in item_ids]
        for item_id in item_ids:
            if item_id not in scored:
                self.fail(f"{where}.items", _("“%(id)s” is not a scored choice item") % {"id": item_id})
        if len(set(item_ids)) != len(item_ids):
            self.fail(f"{where}.items", _("an item is listed twice"))
        parts = [scored[i] for i in item_ids if i in scored]
        low = sum(min(o["value"] for o in item["options"]) for item in parts if item["options"])
        high = sum(max(o["value"] for o in item["options"]) for item in parts if item["options"])
        out["items"] = item_ids
        out["bands"] = self.bands(raw.get("bands", []), f"{where}.bands", low, high)
        warning = raw.get("warning_band")
        if warning is not None and warning not in {band["code"] for band in out["bands"]}:
            self.fail(f"{where}.warning_band", _("“%(code)s” is not one of the band codes") % {"code": warning})
            warning = None
        out["warning_band"] = warning
        return out

    def bands(self, raw: Any, where: str, low: int, high: int) -> list[dict]:
        if raw in (None, []):
            return []
        if not isinstance(raw, list):
            self.fail(where, _("must be a list of bands"))
            return []
        out = []
        for index, band in enumerate(raw):
            here = f"{where}[{index}]"
            if not isinstance(band, dict) or set(band) - {"code", "min", "max", "label", "level"}:
                self.fail(here, _("must be an object with code, min, max, label and optional level"))
                continue
            code = band.get("code")
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.fail(f"{here}.code", _("must be 1–40 lower-case letters, digits, “-” or “_”"))
                continue
            bounds = [band.get("min"), band.get("max")]
            if any(not isinstance(b, int) or isinstance(b, bool) for b in bounds) or bounds[0] > bounds[1]:
                self.fail(here, _("min and max must be whole numbers with min ≤ max"))
                continue
            level = band.get("level", index)
            if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= 9:
                self.fail(f"{here}.level", _("must be a whole number from 0 to 9"))
                level = index
            out.append(
                {
                    "code": code,
                    "min": bounds[0],
                    "max": bounds[1],
                    "label": self.text(band.get("label"), f"{here}.label", 100, required=True),
                    "level": level,
                }
            )
        if len(out) != len(raw):
            return out
        if len({band["code"] for band in out}) != len(out):
            self.fail(where, _("two bands have the same code"))
        ordered = sorted(out, key=lambda band: band["min"])
        if ordered != out:
            self.fail(where, _("bands must be listed from the lowest score to the highest"))
        expected = low
        for band in ordered:
            if band["min"] != expected:
                self.fail(
                    where,
                    _(
                        "the bands must cover every score from %(low)d to %(high)d without gaps or overlaps; "
                        "a band starting at %(expected)d is missing or misplaced"
                    )
                    % {"low": low, "high": high, "expected": expected},
                )
                break
            expected = band["max"] + 1
        else:
            if expected - 1 != high:
                self.fail(
                    where,
                    _("the last band must end at the highest possible score, %(high)d") % {"high": high},
                )
        return out


def score_range(definition: dict, item_ids: list[str]) -> tuple[int, int]:
    """The lowest and highest possible sum of the given scored items."""
    items = {item["id"]: item for item in definition["items"]}
    values = [[option["value"] for option in items[item_id]["options"]] for item_id in item_ids]
    return sum(min(v) for v in values), sum(max(v) for v in values)
