"""Validators of our own: passwords (not the user's name in pinyin nor their student number) and input bounds.

Django's ``UserAttributeSimilarityValidator`` compares the password with the user's fields as written,
so it never sees that ``zhangxiaoming2026`` is 张小明's name; nor does it know the student number,
which lives on the student profile.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.deconstruct import deconstructible
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


# --- Bounds for what a form accepts -------------------------------------------------------------
# A date of year 1 or 9999 is accepted by Django's fields and by the database, and then breaks every
# page and job that converts it to local time or adds a day to it (OverflowError). Every date a
# person types is held to the years a school plausibly deals with, counted from today.
SCHOOL_YEARS_BACK = 10
SCHOOL_YEARS_AHEAD = 5
# Leeway for "not in the future": the clock of the counselor's phone may run a few minutes ahead.
FUTURE_LEEWAY = datetime.timedelta(minutes=5)


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year that has none
        return day.replace(year=day.year + years, day=28)


def school_date_range(
    years_back: int = SCHOOL_YEARS_BACK, years_ahead: int = SCHOOL_YEARS_AHEAD
) -> tuple[datetime.date, datetime.date]:
    """The first and the last day a form accepts, counted from today in the school's time zone."""
    today = timezone.localdate()
    return _years_from(today, -years_back), _years_from(today, years_ahead)


@deconstructible
class SchoolDateValidator:
    """A date (or the day of a datetime) within ``years_back`` .. ``years_ahead`` years of today.

    With ``past_only`` a datetime may not be later than now (plus a few minutes' leeway), and a date
    not later than today: a contact or a session that already happened.
    """

    def __init__(
        self, years_back: int = SCHOOL_YEARS_BACK, years_ahead: int = SCHOOL_YEARS_AHEAD, past_only: bool = False
    ):
        self.years_back = years_back
        self.years_ahead = years_ahead
        self.past_only = past_only

    def __call__(self, value) -> None:
        if value is None:
            return
        first, last = school_date_range(self.years_back, 0 if self.past_only else self.years_ahead)
        # The calendar day as typed: converting year 1 or 9999 to another time zone would overflow.
        day = value.date() if isinstance(value, datetime.datetime) else value
        if self.past_only and first <= day and self._in_future(value, day, last):
            raise ValidationError(_("This time is in the future: enter when it happened."), code="date_in_future")
        if day < first or day > last:
            raise ValidationError(
                _("Enter a date between %(first)s and %(last)s.")
                % {
                    "first": formats.date_format(first, "SHORT_DATE_FORMAT"),
                    "last": formats.date_format(last, "SHORT_DATE_FORMAT"),
                },
                code="date_out_of_range",
            )

    @staticmethod
    def _in_future(value, day: datetime.date, today: datetime.date) -> bool:
        if day > today + datetime.timedelta(days=1) or not isinstance(value, datetime.datetime):
            return day > today
        # Near today only: an aware datetime of year 9999 is never compared (or shifted) here.
        return timezone.is_aware(value) and value > timezone.now() + FUTURE_LEEWAY

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SchoolDateValidator) and (self.years_back, self.years_ahead, self.past_only) == (
            other.years_back,
            other.years_ahead,
            other.past_only,
        )


def school_date() -> list:
    """Validators for a date or datetime field: within the school's plausible years."""
    return [SchoolDateValidator()]


def past_school_date() -> list:
    """Validators for when something happened: within the last years and not in the future."""
    return [SchoolDateValidator(past_only=True)]


def without_nul(text: str | None) -> str:
    """Search text without NUL characters (PostgreSQL refuses them in a string) and outer spaces."""
    return (text or "").replace("\x00", "").strip()


_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")


def normalise_phone(phone: str) -> str:
    """A phone number as typed, without spaces, dashes and a leading +86 (the form it is stored and signed in with)."""
    digits = re.sub(r"[\s\-]", "", phone or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    return digits


def validate_mainland_mobile(phone: str) -> None:
    """A mainland China mobile number: 11 digits, starting with 1 (and a second digit 3-9)."""
    if not _MAINLAND_MOBILE.fullmatch(normalise_phone(phone)):
        raise ValidationError(_("Enter a mainland mobile number: 11 digits starting with 1."), code="invalid_mobile")
