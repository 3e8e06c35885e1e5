"""Importing the school's roster (xlsx or csv) at the start of a term."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from counseling.enums import Gender, Role
from counseling.models import Grade, SchoolClass, StudentProfile, Term, User

MAX_ROWS = 5000

# Accepted column headers, Chinese or English, mapped to our field names.
HEADERS = {
    "student_number": {"学号", "student number", "student_number"},
    "name": {"姓名", "name"},
    "gender": {"性别", "gender"},
    "date_of_birth": {"出生日期", "date of birth", "date_of_birth", "birth date"},
    "grade": {"年级", "grade"},
    "class": {"班级", "class"},
    "guardian_name": {"监护人", "监护人姓名", "guardian", "guardian name", "guardian_name"},
    "guardian_phone": {"监护人电话", "guardian phone", "guardian_phone"},
}
REQUIRED = ("student_number", "name", "gender", "date_of_birth", "grade", "class")


def _chinese_header(key: str) -> str:
    """The column's Chinese header, the first one a school's own roster uses."""
    return next(header for header in sorted(HEADERS[key], key=len) if not header.isascii())
GENDERS = {
    "男": Gender.MALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "女": Gender.FEMALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
}


class RosterError(Exception):
    """The file as a whole cannot be read (wrong format, no header, too many rows)."""


@dataclass
class RosterRow:
    line: int
    student_number: str
    name: str
    gender: str
    date_of_birth: datetime.date
    grade: Grade
    class_number: int
    guardian_name: str
    guardian_phone: str


@dataclass
class RosterResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    classes_created: int = 0
    # Graduates of this school back in a new class (初三 -> 高一): one person, one archive.
    reenrolled: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def read_table(filename: str, data: bytes) -> list[list[str]]:
    """Return the rows of an uploaded xlsx or csv file as lists of strings."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:
            raise RosterError(_("The file is not a readable Excel workbook.")) from exc
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(value) for value in values])
            if len(rows) > MAX_ROWS + 1:
                break
        workbook.close()
        return rows
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise RosterError(_("The file's text encoding is not UTF-8 or GB18030."))
        try:
            return list(csv.reader(io.StringIO(text)))
        except csv.Error as exc:
            # Among others: a cell over the csv module's field limit (131,072 characters).
            raise RosterError(_("The file is not a readable CSV table (a cell may be far too long).")) from exc
    raise RosterError(_("Upload an .xlsx or .csv file."))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# A mobile or landline number: digits with optional +, spaces, dashes and brackets, 7 to 15 digits.
_PHONE = re.compile(r"\+?(?:[\s\-()]*\d){7,15}[\s\-()]*")
# Pupils of a school are between 3 and 30 years old: a year 1 or a future date is a typing error.
_PUPIL_AGE_YEARS = (3, 30)


def _plausible_birth(day: datetime.date) -> bool:
    today = timezone.localdate()
    youngest, oldest = _PUPIL_AGE_YEARS
    return today.year - oldest <= day.year <= today.year - youngest


def _parse_date(text: str) -> datetime.date | None:
    text = text.strip().replace("/", "-").replace(".", "-")
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text) or re.fullmatch(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text)
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _find_grade(text: str, grades: list[Grade]) -> Grade | None:
    text = text.strip()
    for grade in grades:
        if text in (grade.name, str(grade.level)):
            return grade
    return None


def parse(rows: list[list[str]]) -> tuple[list[RosterRow], list[tuple[int, str]]]:
    """Validate every row; return the good rows and (line, message) for every bad one."""
    if not rows:
        raise RosterError(_("The file is empty."))
    header = [cell.strip().lower() for cell in rows[0]]
    columns: dict[str, int] = {}
    for key, names in HEADERS.items():
        for index, cell in enumerate(header):
            if cell in {name.lower() for name in names}:
                columns[key] = index
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        # Named as the file may name them, in both languages: "学号 (student number)".
        names = [f"{_chinese_header(key)} ({key.replace('_', ' ')})" for key in missing]
        raise RosterError(_("The header row lacks these columns: %(columns)s.") % {"columns": pgettext("list separator", ", ").join(names)})
    if len(rows) - 1 > MAX_ROWS:
        raise RosterError(_("A roster may have at most %(max)d rows.") % {"max": MAX_ROWS})

    grades = list(Grade.objects.all())
    good: list[RosterRow] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key: str, row: list[str] = row) -> str:
            index = columns.get(key)
            return row[index].strip() if index is not None and index < len(row) else ""

        problems = []
        number = cell("student_number")
        if not number or len(number) > 30:
            problems.append(_("student number is missing or longer than 30 characters"))
        elif number in seen:
            problems.append(
                _("student number %(number)s also appears on line %(line)d") % {"number": number, "line": seen[number]}
            )
        name = cell("name")
        if not name or len(name) > 100:
            problems.append(_("name is missing or longer than 100 characters"))
        gender = GENDERS.get(cell("gender").lower())
        if gender is None:
            problems.append(_("gender must be 男/女 or M/F"))
        dob = _parse_date(cell("date_of_birth"))
        if dob is None:
            problems.append(_("date of birth must be a date like 2013-09-01"))
        elif not _plausible_birth(dob):
            problems.append(_("date of birth is not a plausible date for a pupil"))
        grade = _find_grade(cell("grade"), grades)
        if grade is None:
            problems.append(_("unknown grade “%(grade)s”") % {"grade": cell("grade")[:30]})
        class_match = re.fullmatch(r"(\d{1,2})\s*班?", cell("class"))
        if not class_match:
            problems.append(_("class must be a number like 3 or 3班"))
        guardian_name, guardian_phone = cell("guardian_name"), cell("guardian_phone")
        if len(guardian_name) > 100 or len(guardian_phone) > 30:
            problems.append(_("guardian name or phone is too long"))
        elif guardian_phone and not _PHONE.fullmatch(guardian_phone):
            problems.append(_("guardian phone must be a phone number like 13800138000 or 010-62345678"))
        if problems:
            errors.append((line, "; ".join(problems)))
            continue
        seen[number] = line
        good.append(
            RosterRow(line, number, name, gender, dob, grade, int(class_match.group(1)), guardian_name, guardian_phone)
        )
    return good, errors


@transaction.atomic
def _returning_graduates(rows: list[RosterRow]) -> dict[str, StudentProfile]:
    """Graduates of this school who come back under a new student number, by that number.

    A student who finishes 初三 and starts 高一 here may get a new number; the same name, date of
    birth and gender as exactly one graduate (an archived profile) is taken as the same person.
    Two graduates who share all three are left alone (the row makes a new student).
    """
    if not rows:
        return {}
    candidates = StudentProfile.objects.select_related("user").filter(
        is_archived=True,
        date_of_birth__in={row.date_of_birth for row in rows},
        user__name__in={row.name for row in rows},
    )
    by_person: dict[tuple, list[StudentProfile]] = {}
    for profile in candidates:
        by_person.setdefault((profile.user.name, profile.date_of_birth, profile.gender), []).append(profile)
    found = {}
    for row in rows:
        matches = by_person.get((row.name, row.date_of_birth, row.gender), [])
        if len(matches) == 1:
            found[row.student_number] = matches[0]
    return found


def _reenrol(profile: StudentProfile, number: str, wanted: dict) -> None:
    """Bring a graduate back into a current class: the same account and archive, signed in again.

    Side effects: the profile joins the class (and takes the new number, and the account the new
    user name, when they changed), is no longer archived, and the account is active again.
    """
    for key, value in wanted.items():
        setattr(profile, key, value)
    profile.is_archived = False
    profile.student_number = number
    profile.save()
    user = profile.user
    user.is_active = True
    if user.username != number and not User.objects.filter(username=number).exists():
        user.username = number
    user.save(update_fields=["is_active", "username"])


def apply(rows: list[RosterRow], term: Term) -> RosterResult:
    """Create or update students and classes in one transaction.

    Side effects: creates missing classes in the rows' grades (entry year derived from the
    term), creates a student account (no usable password until an administrator sets one) and
    profile for each new student number, updates changed profiles, and brings a graduate of this
    school back (same number, or same name, birth date and gender) into their new class. Unchanged rows write nothing,
    so importing the same file twice changes nothing the second time.
    """
    result = RosterResult()
    classes = {(c.grade_id, c.number): c for c in SchoolClass.objects.active()}
    profiles = {
        p.student_number: p
        for p in StudentProfile.objects.select_related("user").filter(
            student_number__in=[r.student_number for r in rows]
        )
    }
    returning = _returning_graduates([row for row in rows if row.student_number not in profiles])
    for row in rows:
        school_class = classes.get((row.grade.id, row.class_number))
        if school_class is None:
            school_class = SchoolClass.objects.create(
                grade=row.grade,
                number=row.class_number,
                entry_year=term.school_year - row.grade.level + 1,
            )
            classes[(row.grade.id, row.class_number)] = school_class
            result.classes_created += 1
        wanted = {
            "school_class_id": school_class.id,
            "gender": row.gender,
            "date_of_birth": row.date_of_birth,
            "guardian_name": row.guardian_name,
            "guardian_phone": row.guardian_phone,
        }
        profile = profiles.get(row.student_number) or returning.get(row.student_number)
        if profile is not None and profile.is_archived:
            _reenrol(profile, row.student_number, wanted)
            result.reenrolled += 1
            continue
        if profile is None:
            user = User(username=row.student_number, name=row.name, role=Role.STUDENT)
            user.set_unusable_password()
            user.save()
            StudentProfile.objects.create(user=user, student_number=row.student_number, **wanted)
            result.created += 1
            continue
        changed = [key for key, value in wanted.items() if getattr(profile, key) != value]
        if changed:
            for key in changed:
                setattr(profile, key, wanted[key])
            profile.save(update_fields=changed)
        if profile.user.name != row.name:
            profile.user.name = row.name
            profile.user.save(update_fields=["name"])
            changed.append("name")
        if changed:
            result.updated += 1
        else:
            result.unchanged += 1
    return result
