"""The definition format: the shipped files, normalisation, and clear errors for bad files."""

from __future__ import annotations

import copy
import json

import pytest

from archives.services import definition as definitions
from archives.services.library import BUILTIN_DIR, builtin_definitions
from archives.tests.factories import example_definition


@pytest.fixture(autouse=True)
def english():
    """The messages below are checked in English; the pages show them translated."""
    from django.utils import translation

    with translation.override("en"):
        yield


def errors_of(raw) -> list[str]:
    with pytest.raises(definitions.DefinitionError) as info:
        definitions.parse(raw) if not isinstance(raw, bytes | str) else definitions.load(raw)
    return info.value.errors


def test_shipped_definitions_are_valid_and_bilingual() -> None:
    phq9, gad7 = builtin_definitions()
    for definition, count in ((phq9, 9), (gad7, 7)):
        assert definition["languages"] == ["zh-hans", "en"]
        assert len(definition["items"]) == count
        for item in definition["items"]:
            assert item["text"]["zh-hans"] and item["text"]["en"]
        assert "Pfizer" in definition["notice"]["en"]
        assert "辉瑞" in definition["notice"]["zh-hans"]
        assert "No permission required to reproduce, translate" in definition["notice"]["en"]
    assert phq9["items"][8]["critical_values"] == [1, 2, 3]


def test_no_copyrighted_scale_is_shipped() -> None:
    shipped = {path.stem for path in BUILTIN_DIR.glob("*.json")}
    assert shipped == {"phq9", "gad7"}


def test_normalised_definition_imports_to_itself() -> None:
    for definition in [*builtin_definitions(), example_definition()]:
        assert definitions.parse(json.loads(definitions.dumps(definition))) == definition


def test_a_string_text_applies_to_every_language() -> None:
    definition = definitions.parse(
        {
            "format": 1,
            "code": "feedback",
            "name": "活动反馈",
            "items": [{"id": "1", "type": "text", "text": "你的建议"}],
        }
    )
    assert definition["name"] == {"zh-hans": "活动反馈", "en": "活动反馈"}
    assert definition["scoring"] is None


def test_every_problem_is_listed_with_its_place() -> None:
    raw = copy.deepcopy(builtin_definitions()[0])
    raw["code"] = "PHQ 9"
    raw["items"][8]["critical_values"] = [4]
    raw["items"][2]["options"] = "nonexistent"
    raw["items"][3]["text"] = {"zh-hans": "只有中文"}
    raw["scoring"]["total"]["bands"][1]["min"] = 6
    raw["scoring"]["total"]["warning_band"] = "extreme"
    raw["colour"] = "blue"
    errors = errors_of(raw)
    assert "colour: unknown field; check its spelling against the format description" in errors
    assert any(e.startswith("code: must be 1–40 lower-case letters") for e in errors)
    assert "items[8] (id 9).critical_values: 4 is not one of the item's option values (0, 1, 2, 3)" in errors
    assert "items[2] (id 3).options: there is no option set named “nonexistent”" in errors
    assert "items[3] (id 4).text: the text in “en” is missing" in errors
    assert any("a band starting at 5 is missing or misplaced" in e for e in errors)
    assert "scoring.total.warning_band: “extreme” is not one of the band codes" in errors


def test_bands_must_reach_the_highest_score() -> None:
    raw = copy.deepcopy(builtin_definitions()[1])
    raw["scoring"]["total"]["bands"][-1]["max"] = 20
    assert "scoring.total.bands: the last band must end at the highest possible score, 21" in errors_of(raw)


def test_a_file_that_is_not_json_says_where() -> None:
    errors = errors_of(b'{"format": 1,\n "code": }')
    assert errors[0].startswith("The file is not valid JSON (line 2, column")


def test_reverse_only_on_scored_items_and_critical_items_must_be_required() -> None:
    raw = {
        "format": 1,
        "code": "x",
        "name": "x",
        "items": [
            {
                "id": "a",
                "text": "a",
                "options": [{"value": 0, "label": "n"}, {"value": 1, "label": "y"}],
                "scored": False,
                "reverse": True,
            },
            {
                "id": "b",
                "text": "b",
                "options": [{"value": 0, "label": "n"}, {"value": 1, "label": "y"}],
                "required": False,
                "critical_values": [1],
            },
        ],
    }
    errors = errors_of(raw)
    assert "items[0] (id a).reverse: only a scored item can be reverse-scored" in errors
    assert "items[1] (id b).critical_values: a critical item must be required" in errors


def test_localized_falls_back_to_chinese() -> None:
    from django.utils import translation

    text = {"zh-hans": "中文", "en": "English"}
    with translation.override("en"):
        assert definitions.localized(text) == "English"
    with translation.override("zh-hans"):
        assert definitions.localized(text) == "中文"
    with translation.override("en"):
        assert definitions.localized({"zh-hans": "只有中文", "en": ""}) == "只有中文"
