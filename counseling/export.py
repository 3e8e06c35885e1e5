"""The counseling core's part of a student's data export (the ``export`` hook, see counseling.schoolyear.registry):
the directory profile and the notifications sent to the student."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from counseling.models import User


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run text starting with these as a formula (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def csv_text(header: list[str], rows: list[list]) -> str:
    """A CSV file as text, safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    # A byte-order mark so spreadsheet programs read the Chinese text as UTF-8.
    return "\ufeff" + buffer.getvalue()


def person_label(person: User | None, *, student: User) -> str:
    """How a student's export names ``person``.

    The student and the counseling office's own staff (the counselors who held, wrote or handed
    over the student's records) by name; anyone else, such as a classmate or a teacher who passed
    on a concern or wrote a letter about the student, only as "a classmate" / "a staff member": a
    data request must not tell the student who reported them.
    """
    if person is None:
        return "—"
    if person.pk == student.pk or person.has_perm("counseling.counsel"):
        return person.get_full_name()
    return _("a classmate") if person.is_student else _("a staff member")


def _identity_terms(person: User) -> list[str]:
    """What names ``person`` in a text: their name, e-mail, phone and student number."""
    profile = getattr(person, "student_profile", None) if person.is_student else None
    terms = [person.get_full_name(), person.name, person.email, person.phone]
    if profile is not None:
        terms.append(profile.student_number)
    return [term.strip() for term in terms if term and len(term.strip()) >= 2]


def withhold(text: str, people: Iterable[User], *, keep: Iterable[str] = ()) -> str:
    """``text`` with every mention of ``people`` (name, e-mail, phone, student number) replaced by
    "[withheld: third party]".

    A reporter's own words stay in the student's export (they are about the student), but not
    what identifies the reporter. A term found inside one of ``keep`` (the student's or the
    counselor's name) is left alone, so the student's own name is never cut up; ASCII terms match
    whole words only.
    """
    kept = [value for value in keep if value]
    terms = {term for person in people for term in _identity_terms(person)}
    terms = sorted((term for term in terms if not any(term in value for value in kept)), key=len, reverse=True)
    if not text or not terms:
        return text
    patterns = [
        rf"(?<![A-Za-z0-9]){re.escape(term)}(?![A-Za-z0-9])" if term.isascii() else re.escape(term) for term in terms
    ]
    return re.sub("|".join(patterns), _("[withheld: third party]"), text, flags=re.IGNORECASE)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def export_student(student: User) -> dict[str, str]:
    profile = student.student_profile
    school_class = profile.school_class
    data = {
        "name": student.get_full_name(),
        "username": student.get_username(),
        "email": student.email,
        "phone": student.phone,
        "student_number": profile.student_number,
        "grade": school_class.grade.name,
        "class": school_class.number,
        "year_of_entry": school_class.entry_year,
        "gender": profile.get_gender_display(),
        "date_of_birth": profile.date_of_birth.isoformat(),
        "guardian_name": profile.guardian_name,
        "guardian_phone": profile.guardian_phone,
        "psychology_committee_member": profile.is_committee_member,
        "graduated_or_left": profile.is_archived,
        "account_active": student.is_active,
        "account_created": _local(student.date_joined),
        "last_sign_in": _local(student.last_login),
    }
    notifications = [
        [_local(note.created_at), note.shown_title, note.shown_body, _local(note.read_at)]
        for note in student.notifications.order_by("created_at", "id")
    ]
    return {
        "profile.json": json.dumps(data, ensure_ascii=False, indent=2, default=str),
        "notifications.csv": csv_text(["time", "title", "message", "read"], notifications),
    }
