"""Writing to the family from a case: the one way anything of a case reaches a guardian."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from counseling.cases.forms import FamilyMessageForm
from counseling.cases.models import FamilyMessage
from counseling.cases.services.access import get_case_for
from counseling.cases.services.family import (
    FamilyMessageError,
    contact_consent,
    family_of,
    message_for_guardian,
    write_to_family,
)
from counseling.decorators import require_perm

from .common import audit_list


@require_perm("cases.view_cases")
@transaction.atomic
def family_message(request: HttpRequest, pk: int) -> HttpResponse:
    """The messages this case sent to the family (read, audited) and the form to send one more."""
    case = get_case_for(request.user, pk)
    guardians = family_of(case)
    form = FamilyMessageForm(request.POST or None, guardians=guardians)
    if request.method == "POST" and form.is_valid():
        try:
            write_to_family(
                case,
                guardian=form.cleaned_data["guardian"],
                text=form.cleaned_data["text"],
                by=request.user,
                request=request,
            )
        except FamilyMessageError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The message was sent to the guardian."))
            return redirect("cases:family_message", pk=case.pk)
    sent = list(FamilyMessage.objects.filter(case=case).select_related("guardian", "sent_by"))
    if sent:
        audit_list(request, FamilyMessage, [case.student_id], detail="messages to the family")
    context = {
        "case": case,
        "form": form if guardians.exists() else None,
        "sent": sent,
        "consent": contact_consent(case),
    }
    return render(request, "cases/family_message.html", context, status=400 if form.errors else 200)


@require_perm("counseling.read_family_notices")
@transaction.atomic
def family_message_read(request: HttpRequest, pk: int) -> HttpResponse:
    """A guardian reads a message the office wrote to them (404 for anyone else's)."""
    message = message_for_guardian(request.user, pk, request=request)
    if message is None:
        raise Http404
    return render(request, "cases/family_message_read.html", {"message": message})
