"""One helper per confidential object: fetch it through the user's scope, or 404.

Views never call ``.get(pk=...)`` on a case model; they call these. Outside the scope the answer
is 404, so nobody learns that a record exists.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from counseling.cases.models import Case, Complaint, Concern, Escalation, Referral, RiskSignal, SessionNote


def get_case_for(user, pk: int) -> Case:
    return get_object_or_404(
        Case.objects.visible_to(user).select_related(
            "student__student_profile__school_class__grade", "counselor", "opened_by"
        ),
        pk=pk,
    )


def get_note_for(user, pk: int) -> SessionNote:
    return get_object_or_404(
        SessionNote.objects.visible_to(user).select_related(
            "case__student__student_profile__school_class__grade",
            "case__counselor",
            "author",
            "signed_by",
            "cosigned_by",
        ),
        pk=pk,
    )


def get_referral_for(user, pk: int) -> Referral:
    return get_object_or_404(
        Referral.objects.visible_to(user).select_related("case__student", "case__counselor", "created_by"), pk=pk
    )


def get_escalation_for(user, pk: int) -> Escalation:
    return get_object_or_404(
        Escalation.objects.visible_to(user).select_related(
            "student__student_profile__school_class__grade",
            "case__counselor",
            "raised_by",
            "acknowledged_by",
        ),
        pk=pk,
    )


def get_concern_for_office(user, pk: int) -> Concern:
    return get_object_or_404(
        Concern.objects.visible_to_office(user).select_related(
            "student__student_profile__school_class__grade", "referred_by", "category", "case__counselor"
        ),
        pk=pk,
    )


def get_concern_for_referrer(user, pk: int) -> Concern:
    return get_object_or_404(
        Concern.objects.filed_by(user).select_related("student__student_profile__school_class", "case"), pk=pk
    )


def get_complaint_for(user, pk: int) -> Complaint:
    return get_object_or_404(Complaint.objects.visible_to(user).select_related("filed_by", "handled_by"), pk=pk)


def get_signal_for(user, pk: int) -> RiskSignal:
    """A risk signal the user may triage: the head counselor any; a counselor those routed to them,
    those of students whose case they hold, and anonymous ones (``RiskSignal.objects.visible_to``)."""
    return get_object_or_404(
        RiskSignal.objects.visible_to(user).select_related(
            "student__student_profile__school_class__grade",
            "school_class__grade",
            "counselor",
            "case__counselor",
            "escalation",
            "raised_by",
            "handled_by",
        ),
        pk=pk,
    )
