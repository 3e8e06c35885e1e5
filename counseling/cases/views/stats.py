"""Aggregate numbers of the case records for the head counselor, leaders and administrators."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling.cases.enums import CaseSource, ReferralStatus, RiskLevel
from counseling.cases.reporting import summary
from counseling.decorators import require_perm
from counseling.enums import Channel
from counseling.models import ConcernCategory, Term, User


def _rows(mapping: dict, labels: dict) -> list[tuple[str, int]]:
    return [(str(labels.get(key, key)), value) for key, value in mapping.items()]


@require_perm("cases.view_statistics")
def statistics(request: HttpRequest) -> HttpResponse:
    """This term's numbers (or the last 120 days when no term is current): no student, no content."""
    term = Term.objects.current()
    today = timezone.localdate()
    start, end = (term.start, term.end) if term else (today - datetime.timedelta(days=120), today)
    numbers = summary(start, end)
    figures = [
        (_("Cases opened"), numbers["cases_opened"]),
        (_("Cases closed"), numbers["cases_closed"]),
        (_("Session notes"), numbers["notes"]),
        (_("Students seen"), numbers["students_seen"]),
        (_("Referrals"), numbers["referrals"]),
        (_("Crisis escalations"), numbers["crises"]),
        (_("Minutes to acknowledge (median)"), numbers["ack_minutes_median"]),
        (_("Minutes to acknowledge (longest)"), numbers["ack_minutes_max"]),
    ]
    categories = {c.code: str(c) for c in ConcernCategory.objects.all()}
    counselors = {u.pk: u.get_full_name() for u in User.objects.filter(pk__in=list(numbers["notes_by_counselor"]))}
    tables = [
        (_("Cases by source"), _rows(numbers["cases_by_source"], dict(CaseSource.choices))),
        (_("Cases by concern category"), _rows(numbers["cases_by_category"], categories)),
        (_("Cases by risk level"), _rows(numbers["cases_by_risk"], dict(RiskLevel.choices))),
        (_("Referrals by status"), _rows(numbers["referrals_by_status"], dict(ReferralStatus.choices))),
        (_("Session notes by channel"), _rows(numbers["notes_by_channel"], dict(Channel.choices))),
        (_("Session notes by counselor"), _rows(numbers["notes_by_counselor"], counselors)),
    ]
    context = {"term": term, "start": start, "end": end, "figures": figures, "tables": tables}
    return render(request, "cases/statistics.html", context)
