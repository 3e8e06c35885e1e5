"""Where a counselor goes from an appointment to the student's case: read it, write the note, or open one."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from counseling.cases.models import Case, SessionNote
from counseling.enums import ClientKind
from counseling.roles import client_kind


@dataclass(frozen=True)
class CaseLinks:
    """Addresses for one user and one student; an empty string where the user has no way in."""

    case_url: str = ""
    note_url: str = ""
    open_case_url: str = ""
    # A note already records the appointment asked about (then no new note is offered for it).
    has_note: bool = False


def case_links(user, student, *, appointment_id: int | None = None) -> CaseLinks:
    """The student's case as ``user`` may reach it (through ``Case.objects.visible_to``).

    ``case_url``: the student's open case (else the newest closed one) in the user's scope.
    ``note_url``: the new-note page of that case, prefilled from ``appointment_id``, when the user
    holds it open (only the holder writes notes) and no note records that appointment yet
    (``has_note``). ``open_case_url``: the page to open a case for the
    student, when nobody holds one open and the user may open cases. Reads no case content.
    """
    if user is None or not user.has_perm("cases.view_cases"):
        return CaseLinks()
    visible = Case.objects.visible_to(user).filter(student=student).order_by("-opened_at", "-pk")
    case = visible.active().first() or visible.first()
    if case is None or case.is_closed:
        held_elsewhere = Case.objects.active().filter(student=student).exists()
        return CaseLinks(
            case_url=reverse("cases:detail", args=[case.pk]) if case else "",
            # A guardian has consultations, never a case (views/cases.py, _case_clients).
            open_case_url=""
            if held_elsewhere or client_kind(student) == ClientKind.GUARDIAN
            else f"{reverse('cases:case_open')}?student={student.pk}",
        )
    note_url = ""
    has_note = appointment_id is not None and SessionNote.objects.filter(appointment_id=appointment_id).exists()
    if case.counselor_id == user.pk and not has_note:
        note_url = reverse("cases:note_add", args=[case.pk])
        if appointment_id is not None:
            note_url += f"?appointment={appointment_id}"
    return CaseLinks(case_url=reverse("cases:detail", args=[case.pk]), note_url=note_url, has_note=has_note)
