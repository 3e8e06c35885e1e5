"""Session notes: write, read, change until signed, sign, co-sign, add addenda."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counseling.cases.forms import AddendumForm, NoteForm
from counseling.cases.services.access import get_case_for, get_note_for
from counseling.cases.services.notes import (
    add_addendum,
    can_cosign,
    can_edit,
    can_sign,
    cosign_note,
    create_note,
    sign_note,
    update_note,
)
from counseling.decorators import require_perm

from .common import audit_read, form_page


@require_perm("cases.view_cases")
def note_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Write a session note on a case, for an attended appointment or ad hoc."""
    case = get_case_for(request.user, pk)
    if case.counselor_id != request.user.pk:
        # The head counselor reads every case but writes notes only on the cases they hold.
        raise PermissionDenied
    appointment_id = request.GET.get("appointment", "")
    form = NoteForm(request.POST or None, case=case, user=request.user)
    # Coming from the agenda (?appointment=<id>): start from that appointment's facts.
    appointment = (
        form.fields["appointment"].queryset.filter(pk=int(appointment_id)).first() if appointment_id.isdecimal() else None
    )
    if appointment is not None:
        form.initial.update(
            appointment=appointment.pk,
            held_on=timezone.localtime(appointment.starts_at).date(),
            channel=appointment.channel,
            duration_minutes=appointment.duration_minutes,
        )
    if request.method == "POST" and form.is_valid():
        note = create_note(case, by=request.user, values=form.values(), request=request)
        messages.success(request, _("The note was saved. Sign it when it is complete."))
        return redirect("cases:note_detail", pk=note.pk)
    return form_page(
        request,
        title=_("New session note"),
        form=form,
        back_url=reverse("cases:detail", args=[case.pk]),
        case=case,
        confidential=True,
    )


@require_perm("cases.view_cases")
@transaction.atomic
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Read a note and its addenda (audited)."""
    note = get_note_for(request.user, pk)
    audit_read(request, note)
    user = request.user
    context = {
        "note": note,
        "case": note.case,
        "addenda": note.addenda.select_related("author"),
        "can_edit": can_edit(note, user),
        "can_sign": can_sign(note, user),
        "can_cosign": can_cosign(note, user),
        "addendum_form": AddendumForm() if note.is_signed else None,
    }
    return render(request, "cases/note_detail.html", context)


@require_perm("cases.view_cases")
@transaction.atomic
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a note until it is signed; only its author may."""
    note = get_note_for(request.user, pk)
    if not can_edit(note, request.user):
        messages.error(request, _("This note is signed and can no longer be changed. Add an addendum instead."))
        return redirect("cases:note_detail", pk=note.pk)
    form = NoteForm(request.POST or None, instance=note, case=note.case, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            update_note(note, by=request.user, values=form.values(), request=request)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The note was saved."))
        return redirect("cases:note_detail", pk=note.pk)
    if request.method == "GET":
        audit_read(request, note, detail="edit form")
    return form_page(
        request,
        title=_("Edit the session note"),
        form=form,
        back_url=reverse("cases:note_detail", args=[note.pk]),
        case=note.case,
        confidential=True,
        sign_note=note if can_sign(note, request.user) else None,
    )


@require_perm("cases.view_cases")
@require_POST
def note_sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Sign (lock) a note."""
    note = get_note_for(request.user, pk)
    try:
        sign_note(note, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The note is signed. From now on only addenda can be added."))
    return redirect("cases:note_detail", pk=note.pk)


@require_perm("cases.cosign_notes")
@require_POST
def note_cosign(request: HttpRequest, pk: int) -> HttpResponse:
    """Co-sign a signed note as supervisor."""
    note = get_note_for(request.user, pk)
    try:
        cosign_note(note, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("You co-signed the note."))
    return redirect("cases:note_detail", pk=note.pk)


@require_perm("cases.view_cases")
@require_POST
def note_addendum(request: HttpRequest, pk: int) -> HttpResponse:
    """Add an addendum to a signed note."""
    note = get_note_for(request.user, pk)
    form = AddendumForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the addendum before adding it (at most 20000 characters)."))
        return redirect("cases:note_detail", pk=note.pk)
    try:
        add_addendum(note, by=request.user, text=form.cleaned_data["text"], request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("The addendum was added."))
    return redirect("cases:note_detail", pk=note.pk)
