"""Password validators of our own: no password made of the user's name in pinyin or their student number.

Django's ``UserAttributeSimilarityValidator`` compares the password with the user's fields as written,
so it never sees that ``zhangxiaoming2026`` is 张小明's name; nor does it know the student number,
which lives on the student profile.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypinyin import lazy_pinyin

_NOT_LETTER = re.compile(r"[^a-z]")
_NOT_DIGIT = re.compile(r"\D")
# Shorter pinyin (a one-syllable given name, initials) is refused only as the whole of the letters.
_CONTAINED_MIN = 4


def name_pinyin_forms(name: str) -> tuple[set[str], set[str]]:
    """(forms refused anywhere in the letters, forms refused as all of the letters) for a Chinese name.

    The first set holds the full name in pinyin, surname first or last; the second adds the given
    name alone and the initials (张小明: zhangxiaoming, xiaomingzhang; xiaoming, zxm, xmz). Tones
    need no form of their own: digits are dropped from the password before comparing.
    """
    syllables = [s.lower() for s in lazy_pinyin(name.strip(), errors="ignore")]
    syllables = [_NOT_LETTER.sub("", s) for s in syllables]
    syllables = [s for s in syllables if s]
    if not syllables:
        return set(), set()
    # Chinese names: a one-character surname is the common case; 欧阳/司马 names still match in full.
    surname, given = syllables[:1], syllables[1:]
    full = {"".join(syllables), "".join(given + surname)}
    initials = "".join(s[0] for s in syllables)
    whole = {*full, "".join(given), initials, "".join(s[0] for s in given + surname)}
    return {f for f in full if len(f) >= _CONTAINED_MIN}, {w for w in whole if w}


class PersonalInfoValidator:
    """Refuse the user's name in pinyin (with or without spaces, tones, digits) and their student number."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        letters = _NOT_LETTER.sub("", password.lower())
        contained, whole = name_pinyin_forms(getattr(user, "name", "") or "")
        if letters and (letters in whole or any(form in letters for form in contained)):
            raise ValidationError(
                _("Your password cannot be your name in pinyin, with or without digits."),
                code="password_is_name_pinyin",
            )
        profile = getattr(user, "student_profile", None) if getattr(user, "pk", None) else None
        number = _NOT_DIGIT.sub("", getattr(profile, "student_number", "") or "")
        if len(number) >= 4 and number in _NOT_DIGIT.sub("", password):
            raise ValidationError(
                _("Your password cannot contain your student number."), code="password_has_student_number"
            )

    def get_help_text(self) -> str:
        return _("Your password cannot be your name in pinyin or contain your student number.")
