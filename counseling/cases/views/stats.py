"""Aggregate numbers of the case records for the head counselor, leaders and administrators."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling.cases import reporting
from counseling.decorators import require_perm
from counseling.models import Term, User
from counseling.roles import counselors
from counseling.services.sections import Section, breakdown, publish


def statistics_section(start: datetime.date, end: datetime.date, *, exact: bool) -> Section:
    """The case records' numbers from ``start`` to ``end``, published under the disclosure rule.

    The same figures and tables as the report's section on case work, plus session notes by
    counselor (which add up to the notes). ``exact`` (the head counselor) shows every count.
    """
    numbers = reporting.summary(start, end)
    section = reporting.section(numbers, None)
    by_counselor = {str(key): value for key, value in numbers["notes_by_counselor"].items()}
    people = {str(u.pk): u.get_full_name() for u in User.objects.filter(pk__in=[int(k) for k in by_counselor])}
    people |= {str(u.pk): u.get_full_name() for u in counselors()}
    order = sorted(people, key=lambda pk: (people[pk], int(pk)))
    table = breakdown(
        section,
        "notes_by_counselor",
        _("Session notes by counselor"),
        by_counselor,
        None,
        lambda pk: people.get(pk, "—"),
        order=order,
        total="notes",
    )
    if table:
        section.tables.append(table)
    publish([section], exact=exact)
    return section


@require_perm("cases.view_statistics")
def statistics(request: HttpRequest) -> HttpResponse:
    """This term's numbers (or the last 120 days when no term is current): no student, no content.

    Leaders and administrators see counts under the disclosure rule (counseling.services.aggregates);
    the head counselor, who may read every case, sees them exactly.
    """
    term = Term.objects.current()
    today = timezone.localdate()
    start, end = (term.start, term.end) if term else (today - datetime.timedelta(days=120), today)
    exact = request.user.has_perm("cases.view_all_cases")
    section = statistics_section(start, end, exact=exact)
    figures = [(label, value) for label, value, _previous in section.figures]
    tables = [(table.title, [(row[0], row[1]) for row in table.rows]) for table in section.tables]
    context = {"term": term, "start": start, "end": end, "figures": figures, "tables": tables, "exact": exact}
    return render(request, "cases/statistics.html", context)
