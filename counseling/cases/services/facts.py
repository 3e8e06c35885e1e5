"""Facts about a student's contacts with the office, for the archive page (no content)."""

from __future__ import annotations

from counseling.cases.models import Case, Referral, SessionNote


def archive_facts(student) -> dict:
    """Dates and counts of counseling contacts, the referrals, and who holds the open case.

    For the archive page, which only counselors and the head counselor reach. No note, intake
    or referral text is read: only dates, institution names and statuses.
    """
    contact_dates = list(
        SessionNote.objects.filter(case__student=student)
        .order_by("held_on")
        .values_list("held_on", flat=True)
        .distinct()
    )
    contact_count = SessionNote.objects.filter(case__student=student).count()
    referrals = [
        {"date": referral.referred_on, "institution": referral.institution, "status": referral.get_status_display()}
        for referral in Referral.objects.filter(case__student=student)
        .only("referred_on", "institution", "status")
        .order_by("referred_on", "id")
    ]
    open_case = Case.objects.active().filter(student=student).select_related("counselor").first()
    return {
        "contact_dates": contact_dates,
        "contact_count": contact_count,
        "referrals": referrals,
        "open_case_counselor": open_case.counselor if open_case else None,
    }
