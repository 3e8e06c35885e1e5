"""Terms (学期): creating the next one and choosing which one is current."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling.models import Term, User
from counseling.models.audit import AuditAction
from counseling.schoolyear.models import YearRollover
from counseling.services import audit, signedin


class TermError(Exception):
    """The change is refused; the message says why."""


@dataclass(frozen=True)
class NextTerm:
    school_year: int
    semester: int
    name: str
    start: datetime.date
    end: datetime.date


def year_label(school_year: int) -> str:
    return f"{school_year}–{school_year + 1}"


def term_name(school_year: int, semester: int) -> str:
    if semester == 1:
        return _("%(first)d-%(second)d school year, first semester") % {"first": school_year, "second": school_year + 1}
    return _("%(first)d-%(second)d school year, second semester") % {"first": school_year, "second": school_year + 1}


def next_term() -> NextTerm:
    """The semester after the latest one on record, with the usual dates (Sep–Jan, Feb–Jul)."""
    latest = Term.objects.order_by("-start").first()
    if latest is None:
        today = timezone.localdate()
        year, semester = (today.year if today.month >= 8 else today.year - 1), 1
    elif latest.semester == 1:
        year, semester = latest.school_year, 2
    else:
        year, semester = latest.school_year + 1, 1
    if semester == 1:
        start, end = datetime.date(year, 9, 1), datetime.date(year + 1, 1, 22)
    else:
        start, end = datetime.date(year + 1, 2, 20), datetime.date(year + 1, 7, 10)
    if latest is not None and start <= latest.end:
        start = latest.end + datetime.timedelta(days=1)
    return NextTerm(year, semester, term_name(year, semester), start, end)


def create_next_term(
    *, name: str, start: datetime.date, end: datetime.date, by: User, request: HttpRequest | None = None
) -> Term:
    """Create the semester after the latest one (not current yet).

    Side effects: inserts the term, writes an audit entry. Refused (TermError) when the dates do
    not follow the latest term, end before they start, or the name is taken.
    """
    with transaction.atomic():
        planned = next_term()
        latest = Term.objects.select_for_update().order_by("-start").first()
        if latest is not None and start <= latest.end:
            raise TermError(
                _("The new term must start after %(term)s ends (%(end)s).") % {"term": latest.name, "end": latest.end}
            )
        if end <= start:
            raise TermError(_("The term must end after it starts."))
        if Term.objects.filter(name=name).exists():
            raise TermError(_("A term with this name exists already."))
        term = Term.objects.create(
            name=name,
            school_year=planned.school_year,
            semester=planned.semester,
            start=start,
            end=end,
            is_current=False,
        )
        audit.record(by, AuditAction.CREATE, term, request=request, detail=f"term {term.school_year}/{term.semester}")
    return term


def make_current(term: Term, *, by: User, request: HttpRequest | None = None) -> None:
    """Make ``term`` the current one, within the current school year.

    A later school year begins only through the new-year wizard, which moves the classes up in
    the same step; going back to an earlier year is refused. Side effects: flips the current
    flag (one transaction), writes an audit entry.
    """
    with transaction.atomic():
        current = Term.objects.select_for_update().filter(is_current=True).first()
        if current is not None and current.pk == term.pk:
            return
        if (
            current is not None
            and term.school_year > current.school_year
            and not YearRollover.objects.filter(school_year=term.school_year).exists()
        ):
            raise TermError(
                _(
                    "The school year %(year)s starts with the new-year wizard, which moves the classes up and makes its first term current."
                )
                % {"year": year_label(term.school_year)}
            )
        if current is not None and term.school_year < current.school_year:
            raise TermError(_("A term of an earlier school year cannot become current again."))
        Term.objects.filter(is_current=True).update(is_current=False)
        Term.objects.filter(pk=term.pk).update(is_current=True)
        signedin.forget_current_term()
        audit.record(by, AuditAction.CHANGE, term, request=request, detail="made current")
    term.is_current = True
