"""Telling the family what the office decides they must know (必要时与家长沟通).

A guardian never reads a case. When a counselor decides the family must know something (a crisis,
safety, the law), they write it here, to a guardian account linked to the student; the guardian
finds it among their notices. Text messages and e-mails say only that a message waits.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from counseling.cases.models import Case, FamilyMessage
from counseling.cases.services.trail import log
from counseling.enums import ConsentPurpose
from counseling.models import User
from counseling.models.audit import AuditAction
from counseling.services.consent import consent_state
from counseling.services.family import guardians_of
from counseling.services.messages import Msg
from counseling.services.notify import Kind, notify

MAX_LENGTH = 1000


class FamilyMessageError(Exception):
    """The message cannot be sent as asked (no such guardian of this student, empty text)."""


def family_of(case: Case) -> QuerySet[User]:
    """The guardian accounts a counselor may write to about this case: those linked to its student
    (none for a teacher's case: a teacher's record reaches nobody)."""
    if case.is_teacher_case:
        return User.objects.none()
    return guardians_of([case.student_id])


def contact_consent(case: Case) -> str:
    """The guardian's answer on counseling contact (shown to the counselor; a crisis may override it)."""
    return consent_state(case.student, ConsentPurpose.GUARDIAN_CONTACT).label


def write_to_family(
    case: Case, *, guardian: User, text: str, by: User, request: HttpRequest | None = None
) -> FamilyMessage:
    """Send ``text`` from the case to ``guardian``.

    Side effects, in one transaction: stores the message on the case (text encrypted), writes an
    audit entry (no text), and puts one notice in the outbox for the guardian: in the app the title
    "A message from the counseling office" and a link to the message (``sent_to``: the guardian's
    door); by text message and e-mail only the quiet phrase and a link. The text itself is copied
    nowhere.
    """
    text = (text or "").strip()
    if not text:
        raise FamilyMessageError(_("Write the message."))
    if len(text) > MAX_LENGTH:
        raise FamilyMessageError(_("The message is too long."))
    if not family_of(case).filter(pk=guardian.pk).exists():
        raise FamilyMessageError(_("That person is not a guardian of this student."))
    with transaction.atomic():
        message = FamilyMessage.objects.create(case=case, guardian=guardian, text=text, sent_by=by)
        log(by, AuditAction.CREATE, message, request=request, detail="message to a guardian")
        # The notice carries no text: the outbox and the notifications are plain columns kept for
        # months, the message is encrypted on the case. The link opens it through the guardian's door.
        notify(
            guardian,
            key=f"case-family:{message.pk}",
            title=Msg(gettext_noop("A message from the counseling office")),
            url=reverse("cases:family_message_read", args=[message.pk]),
            kind=Kind.MESSAGE,  # all a text message or an e-mail says: nothing of the child or the case
            sms=True,
        )
    return message


def message_for_guardian(guardian: User, pk: int, *, request: HttpRequest | None = None) -> FamilyMessage | None:
    """The message ``pk`` if it was written to ``guardian`` (else None); the reading is audited."""
    message = FamilyMessage.objects.sent_to(guardian).select_related("sent_by").filter(pk=pk).first()
    if message is not None:
        log(guardian, AuditAction.VIEW, message, request=request, detail="read by the guardian")
    return message
