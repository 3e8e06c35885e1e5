"""The mailbox's risk lexicon: phrases that flag a letter for a counselor's eyes at once.

A match flags a letter; it never diagnoses. It says only that the letter holds words from the
school's list, so that someone reads it today: the flag, the signal and every notice carry no word
of the letter and not the phrase that matched (``matches`` answers yes or no, nothing more).

The list is ``settings.RISK_LEXICON`` when the school sets one, else ``DEFAULT_PHRASES``. Matching
ignores case, full-width forms, and spaces or punctuation between the characters of a phrase
("不 想 活", "kill-myself", "ＳＵＩＣＩＤＥ"); an English phrase must start and end on a word boundary
("skill myself" is not "kill myself", "want to diet" is not "want to die").
"""

from __future__ import annotations

import functools
import re
import unicodedata

from django.conf import settings

DEFAULT_PHRASES: tuple[str, ...] = (
    # Chinese (simplified, and the traditional forms NFKC does not fold)
    "不想活",
    "活着没意思",
    "活着没有意思",
    "活着没有意义",
    "没有意义活下去",
    "活不下去",
    "想死",
    "寻死",
    "轻生",
    "自杀",
    "自殺",
    "自残",
    "自殘",
    "自伤",
    "伤害自己",
    "割腕",
    "结束生命",
    "结束自己的生命",
    "了结自己",
    "跳楼",
    "遗书",
    # English
    "kill myself",
    "killing myself",
    "suicide",
    "suicidal",
    "self-harm",
    "hurt myself",
    "cut myself",
    "cutting myself",
    "want to die",
    "wanna die",
    "end my life",
    "end it all",
    "no reason to live",
    "better off dead",
)

# Between two characters of a phrase: any run of non-word characters (spaces, punctuation,
# symbols, full-width or not). Phrases themselves are stored without them.
_GAP = r"[\W_]*"


def _fold(text: str) -> str:
    """Full-width forms to plain ones, then case folded (the same for letters and phrases)."""
    return unicodedata.normalize("NFKC", text).casefold()


def _pattern(phrase: str) -> str | None:
    chars = [c for c in _fold(phrase) if c.isalnum()]
    if not chars:
        return None
    body = _GAP.join(re.escape(c) for c in chars)
    # Latin words need boundaries; Chinese has none to ask for.
    if chars[0].isascii():
        body = r"(?<![a-z0-9])" + body
    if chars[-1].isascii():
        body += r"(?![a-z0-9])"
    return body


@functools.lru_cache(maxsize=8)
def _compiled(phrases: tuple[str, ...]) -> re.Pattern | None:
    patterns = [p for p in (_pattern(phrase) for phrase in phrases) if p]
    return re.compile("|".join(patterns)) if patterns else None


def phrases() -> tuple[str, ...]:
    """The phrases in force: the school's list (``settings.RISK_LEXICON``) or the default one."""
    configured = tuple(p.strip() for p in (getattr(settings, "RISK_LEXICON", None) or []) if p and p.strip())
    return configured or DEFAULT_PHRASES


def matches(text: str) -> bool:
    """True when ``text`` holds a phrase of the lexicon. Which one is never said, on purpose."""
    if not text:
        return False
    pattern = _compiled(phrases())
    return bool(pattern and pattern.search(_fold(text)))
