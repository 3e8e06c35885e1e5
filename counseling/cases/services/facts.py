"""Facts about a student's contacts with the office, for the archive page (no content)."""

from __future__ import annotations

from counseling import prepared
from counseling.cases.enums import CaseStatus, ReferralStatus
from counseling.cases.models import Case, Referral
from counseling.models import User


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
    # The viewer's cases of the student (a handful), each with the day of each of its sessions (a
    # few dozen at most): one row per session, or one row with no day for a case without any. One
    # plain query through the door, cheaper to build than the cases with a per-case "may open"
    # subquery and the session days apart. The queries are kept by counseling.prepared (the
    # door's branch is their shape); the student goes in by pk.
    own: set[int] = set()
    contact_days = []
    holder = None
    open_is_own = False
    scope = Case.objects.scope_of(viewer)
    viewers_cases = (
        prepared.rows(
            "cases.facts.own",
            lambda viewer, student: (
                Case.objects.visible_to(viewer)
                .filter(student=student)
                .values_list("pk", "status", "counselor_id", "counselor__name", "counselor__username", "notes__held_on")
                .order_by()
            ),
            shape=(scope,),
            viewer=viewer,
            student=student.pk,
        )
        if scope != "none"
        else []  # a shut door reads nothing (``.none()``)
    )
    for case_id, status, counselor_id, name, username, held_on in viewers_cases:
        own.add(case_id)
        if held_on is not None:
            contact_days.append(held_on)
        if status != CaseStatus.CLOSED:
            holder, open_is_own = User(pk=counselor_id, name=name, username=username), True
    contact_days.sort()
    if holder is None:
        # A student has at most one case that is not closed (a constraint): when it is not the
        # viewer's, a colleague may hold it. Only its counselor's name is read.
        for counselor_id, name, username in prepared.rows(
            "cases.facts.holder",
            lambda student: (
                Case.objects.filter(student=student)
                .active()
                .values_list("counselor_id", "counselor__name", "counselor__username")
                .order_by()[:1]
            ),
            student=student.pk,
        ):
            holder = User(pk=counselor_id, name=name, username=username)
    statuses = dict(ReferralStatus.choices)
    referrals = (
        [
            {"date": referred_on, "institution": institution, "status": str(statuses.get(status, status))}
            for referred_on, institution, status in prepared.rows(
                "cases.facts.referrals",
                lambda cases: (
                    Referral.objects.filter(case_id__in=cases)
                    .values_list("referred_on", "institution", "status")
                    .order_by("referred_on", "id")
                ),
                cases=sorted(own),
            )
        ]
        if own
        else []
    )
    return {
        "contact_dates": list(dict.fromkeys(contact_days)),
        "contact_count": len(contact_days),
        "referrals": referrals,
        "open_case_counselor": holder if open_is_own else None,
        "colleague_counselor": None if open_is_own else holder,
    }
