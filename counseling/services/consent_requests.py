"""Consent asked online (线上知情同意): a request to a class's guardians, and a guardian's answer.

An answer is an ordinary consent record (``consent.record_consent``, method ONLINE, recorded by the
guardian, reference naming the request), so screenings and the staff's consent pages read it as
they read a paper form. A guardian answers only for their own children (``family.children_of``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from counseling.enums import ConsentMethod, ConsentPurpose, ConsentState
from counseling.models import ConsentRequest, SchoolClass, User
from counseling.models.audit import AuditAction
from counseling.services import audit
from counseling.services.consent import ConsentError, consent_classes_for, consent_state, record_consent
from counseling.services.family import children_of, guardians_of_class
from counseling.services.messages import Msg
from counseling.services.notify import Kind, notify

# What a guardian may answer online; "withdrawn" only takes back a consent given before.
ANSWERS = (ConsentState.GIVEN, ConsentState.REFUSED, ConsentState.WITHDRAWN)


def send_consent_request(
    *,
    school_class: SchoolClass,
    purpose: str,
    explanation: str,
    by: User,
    request: HttpRequest | None = None,
) -> ConsentRequest:
    """Ask the guardians of ``school_class`` for their consent to ``purpose``, online.

    ``by`` must be allowed to record consent for the class (``consent.consent_classes_for``).
    Side effects, in order, in one transaction: stores the request; writes an audit entry (CREATE,
    by ``by``); puts one message per linked guardian in the outbox (in the app and by SMS: only
    the quiet kind phrase and a link, never the child's name). Returns the request.
    """
    if not consent_classes_for(by).filter(pk=school_class.pk).exists():
        raise ConsentError(_("You cannot ask for consent in this class."))
    if purpose not in ConsentPurpose.values:
        raise ConsentError(_("Unknown purpose, state or method."))
    with transaction.atomic():
        consent_request = ConsentRequest.objects.create(
            school_class=school_class, purpose=purpose, explanation=explanation.strip(), created_by=by
        )
        audit.record(by, AuditAction.CREATE, consent_request, request=request, detail=f"consent request {purpose}")
        for guardian in guardians_of_class(school_class):
            notify(
                guardian,
                key=f"family:consent:{consent_request.pk}:{guardian.pk}",
                title=Msg(
                    gettext_noop("The school asks for your consent: %(purpose)s"), purpose=ConsentPurpose(purpose).label
                ),
                url=reverse("family_consent_list"),
                kind=Kind.FAMILY_CONSENT,
                sms=True,
            )
    return consent_request


def requests_sent_by(user: User):
    """The consent requests of the classes ``user`` may record consent for, newest first."""
    return ConsentRequest.objects.filter(school_class__in=consent_classes_for(user)).select_related(
        "school_class__grade", "created_by"
    )


@dataclass
class OpenRequest:
    consent_request: ConsentRequest
    child: User
    state: ConsentState

    @property
    def answer(self) -> str:
        return answer_label(self.state)


def answer_label(state: ConsentState) -> str:
    """The guardian's answer as their pages say it: "not answered yet" rather than the record's "unknown"."""
    return _("No answer yet") if state == ConsentState.UNKNOWN else state.label


def open_requests_for(guardian: User) -> list[OpenRequest]:
    """Every open request to ``guardian``'s children's classes, one row per child, with the child's
    current answer for its purpose (a few queries per child; a family has few)."""
    children = list(children_of(guardian).select_related("student_profile__school_class__grade"))
    rows = []
    by_class: dict[int, list[User]] = {}
    for child in children:
        by_class.setdefault(child.student_profile.school_class_id, []).append(child)
    requests = ConsentRequest.objects.filter(school_class_id__in=by_class, closed_at__isnull=True).select_related(
        "school_class__grade"
    )
    for consent_request in requests:
        for child in by_class[consent_request.school_class_id]:
            rows.append(OpenRequest(consent_request, child, consent_state(child, consent_request.purpose)))
    return rows


def get_request_for(guardian: User, pk: int, student_pk: int) -> tuple[ConsentRequest, User]:
    """The request ``pk`` and the child ``student_pk`` it asks ``guardian`` about; 404 unless the child
    is the guardian's and the request is to the child's class."""
    child = children_of(guardian).filter(pk=student_pk).select_related("student_profile__school_class__grade").first()
    if child is None:
        raise Http404
    consent_request = (
        ConsentRequest.objects.filter(pk=pk, school_class_id=child.student_profile.school_class_id)
        .select_related("school_class__grade", "created_by")
        .first()
    )
    if consent_request is None:
        raise Http404
    return consent_request, child


def answer(
    *,
    consent_request: ConsentRequest,
    child: User,
    guardian: User,
    state: str,
    request: HttpRequest | None = None,
):
    """Record ``guardian``'s answer for ``child`` to ``consent_request``.

    Refused (ConsentError, nothing changes) for someone else's child, a closed request, an unknown
    answer, or a withdrawal of a consent that is not currently given. Side effects: those of
    ``consent.record_consent`` (a record dated today, method ONLINE, recorded by the guardian,
    reference naming the request; an audit entry). Returns the record.
    """
    if not children_of(guardian).filter(pk=child.pk).exists():
        raise ConsentError(_("You can answer only for your own children."))
    if consent_request.closed_at is not None:
        raise ConsentError(_("This request is closed."))
    if state not in ANSWERS:
        raise ConsentError(_("Unknown purpose, state or method."))
    if state == ConsentState.WITHDRAWN and consent_state(child, consent_request.purpose) != ConsentState.GIVEN:
        raise ConsentError(_("Only a consent that was given can be withdrawn."))
    return record_consent(
        student=child,
        purpose=consent_request.purpose,
        state=state,
        dated=timezone.localdate(),
        method=ConsentMethod.ONLINE,
        reference=consent_request.reference,
        by=guardian,
        request=request,
    )
