"""Texts kept in several languages ({"zh-hans": ..., "en": ...}) and how one is picked."""

from __future__ import annotations

from django.utils.translation import get_language

LANGUAGES = ("zh-hans", "en")


def localized(text: dict[str, str] | str | None, language: str | None = None) -> str:
    """The text in ``language`` (default: the active one), else Chinese, else any non-empty one."""
    if not text:
        return ""
    if isinstance(text, str):
        return text
    language = (language or get_language() or LANGUAGES[0]).lower()
    wanted = "en" if language.startswith("en") else "zh-hans"
    for lang in (wanted, *LANGUAGES):
        if text.get(lang):
            return text[lang]
    return next((value for value in text.values() if value), "")
