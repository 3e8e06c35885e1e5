"""Scoring PHQ-9 and GAD-7 at every band edge, reverse-scored items, critical items, subscales."""

from __future__ import annotations

import pytest

from archives.services import scoring
from archives.services.library import builtin_definitions
from archives.tests.factories import example_definition, gad7_answers, phq9_answers

PHQ9, GAD7 = builtin_definitions()


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately_severe"),
        (19, "moderately_severe"),
        (20, "severe"),
        (27, "severe"),
    ],
)
def test_phq9_band_edges(total: int, band: str) -> None:
    result = scoring.score(PHQ9, phq9_answers(total))
    assert result.total == total
    assert result.band.code == band


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_band_edges(total: int, band: str) -> None:
    result = scoring.score(GAD7, gad7_answers(total))
    assert result.total == total
    assert result.band.code == band


def test_phq9_bands_are_the_published_ones() -> None:
    bands = [(b["code"], b["min"], b["max"]) for b in PHQ9["scoring"]["total"]["bands"]]
    assert bands == [
        ("minimal", 0, 4),
        ("mild", 5, 9),
        ("moderate", 10, 14),
        ("moderately_severe", 15, 19),
        ("severe", 20, 27),
    ]
    gad = [(b["code"], b["min"], b["max"]) for b in GAD7["scoring"]["total"]["bands"]]
    assert gad == [("minimal", 0, 4), ("mild", 5, 9), ("moderate", 10, 14), ("severe", 15, 21)]


@pytest.mark.parametrize(("item9", "critical"), [(0, ()), (1, ("9",)), (2, ("9",)), (3, ("9",))])
def test_phq9_item_9_answered_1_or_more_is_critical(item9: int, critical: tuple) -> None:
    result = scoring.score(PHQ9, phq9_answers(3, item9=item9))
    assert result.critical_items == critical
    assert result.is_critical is bool(critical)
    assert result.band.code == "minimal"  # critical whatever the total


def test_gad7_has_no_critical_item() -> None:
    assert scoring.score(GAD7, gad7_answers(21)).critical_items == ()


def test_reverse_scored_items_count_from_the_other_end() -> None:
    definition = example_definition()
    # b3 ("I often feel alone") and s2 ("someone bullies") are reverse-scored on 1..4.
    answers = {"b1": 4, "b2": 4, "b3": 1, "s1": 4, "s2": 1, "s3": 1}
    result = scoring.score(definition, answers)
    assert result.total == 20  # 4 + 4 + (5-1) + 4 + (5-1)
    assert result.subscales == {"belonging": 12, "safety": 8}
    assert result.band.code == "good"
    worst = scoring.score(definition, {"b1": 1, "b2": 1, "b3": 4, "s1": 1, "s2": 4, "s3": 4})
    assert worst.total == 5
    assert worst.band.code == "low"
    assert worst.band.level == 2  # the most concerning band of this scale is the lowest total


@pytest.mark.parametrize(("value", "score"), [(1, 4), (2, 3), (3, 2), (4, 1)])
def test_item_score_of_a_reverse_item(value: int, score: int) -> None:
    item = next(i for i in example_definition()["items"] if i["id"] == "b3")
    assert scoring.item_score(item, value) == score


def test_unscored_item_does_not_change_the_total() -> None:
    definition = example_definition()
    base = {"b1": 2, "b2": 2, "b3": 2, "s1": 2, "s2": 2}
    assert scoring.score(definition, {**base, "s3": 1}).total == scoring.score(definition, {**base, "s3": 4}).total


def test_check_answers_sorts_missing_invalid_and_clean() -> None:
    check = scoring.check_answers(PHQ9, {"1": "0", "2": "3", "3": "7", "4": "x", "5": "", "99": "1"})
    assert check.clean == {"1": 0, "2": 3}
    assert check.missing == ["5", "6", "7", "8", "9"]
    assert check.invalid == ["3", "4"]
    assert not check.complete


def test_check_answers_keeps_optional_text_trimmed() -> None:
    definition = example_definition()
    check = scoring.check_answers(
        definition, {"b1": 1, "b2": 1, "b3": 1, "s1": 1, "s2": 1, "s3": 1, "c1": "  班里很好  "}
    )
    assert check.complete
    assert check.clean["c1"] == "班里很好"
    assert scoring.check_answers(definition, {"b1": 1, "b2": 1, "b3": 1, "s1": 1, "s2": 1, "s3": 1}).complete
