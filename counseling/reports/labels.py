"""Translated names for the keys the apps' reporting modules use."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Keys whose numbers are not counts of people (points, minutes, percentages): never suppressed.
NOT_HEADCOUNTS = ("points", "minutes", "percent", "rate", "median", "max", "average", "hours", "score")

TITLES: dict[str, object] = {}
VALUES: dict[str, object] = {}


def is_not_a_headcount(key: str) -> bool:
    return any(word in key for word in NOT_HEADCOUNTS)


def title(key: str) -> str:
    return str(TITLES.get(key, key.replace("_", " ").capitalize()))


def column(key: str) -> str:
    return str(_("Group"))


def value_label(key: str, value: object) -> str:
    return str(VALUES.get(str(value), value))
