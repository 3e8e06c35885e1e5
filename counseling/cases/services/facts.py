"""Facts about a student's contacts with the office, for the archive page (no content)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from counseling.cases.enums import CaseStatus
from counseling.cases.models import Case, Referral, SessionNote


def archive_facts(student, viewer) -> dict:
    """Dates and counts of counseling contacts, the referrals, and who holds the open case, as
    ``viewer`` may know them.

    For the archive page, which only counselors and the head counselor reach. No note, intake
    or referral text is read: only dates, institution names and statuses. The dates, counts and
    referrals come from the cases ``viewer`` may open (``Case.objects.visible_to``: a counselor's
    own, every case for the head counselor); of a colleague's case a counselor learns only *that*
    the student has an open case and with whom (``colleague_counselor``), so two colleagues do not
    open parallel cases.
    """
    # The student's cases that the viewer may open or that are still open (a student has a
    # handful), each marked with whether it is one the viewer may open: one query.
    visible = Case.objects.visible_to(viewer).filter(student=student)
    cases = list(
        Case.objects.filter(student=student)
        .annotate(own=Exists(visible.filter(pk=OuterRef("pk"))))
        .filter(Q(own=True) | ~Q(status=CaseStatus.CLOSED))
        .select_related("counselor")
        .only("status", "counselor__name", "counselor__username")
    )
    own = [case.pk for case in cases if case.own]
    open_case = next((case for case in cases if case.status != CaseStatus.CLOSED), None)
    # The day of every session (a few dozen at most): the count and the distinct days from one query.
    contact_days = (
        list(SessionNote.objects.filter(case_id__in=own).order_by("held_on").values_list("held_on", flat=True))
        if own
        else []
    )
    referrals = (
        [
            {"date": referral.referred_on, "institution": referral.institution, "status": referral.get_status_display()}
            for referral in Referral.objects.filter(case_id__in=own)
            .only("referred_on", "institution", "status")
            .order_by("referred_on", "id")
        ]
        if own
        else []
    )
    return {
        "contact_dates": list(dict.fromkeys(contact_days)),
        "contact_count": len(contact_days),
        "referrals": referrals,
        "open_case_counselor": open_case.counselor if open_case is not None and open_case.own else None,
        "colleague_counselor": open_case.counselor if open_case is not None and not open_case.own else None,
    }
