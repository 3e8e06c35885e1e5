"""Access rows for the case records' URLs (see counseling.tests.access).

The case belongs to the standard student and is held by the standard counselor: the assigned
counselor and the head counselor reach it, another counselor gets 404, everybody else 403.
"""

from __future__ import annotations

from django.urls import reverse

from counseling.cases.enums import ConcernStatus
from counseling.cases.models import FamilyMessage
from counseling.cases.tests.factories import (
    CaseFactory,
    ComplaintFactory,
    ConcernFactory,
    EscalationFactory,
    FollowUpFactory,
    GoalFactory,
    IntakeFactory,
    NoteFactory,
    ReferralFactory,
    RiskSignalFactory,
)
from counseling.tests.access import COUNSELING, Route, expect


def routes(cast, world: dict) -> dict[str, Route]:
    case = CaseFactory(student=cast.student, counselor=cast.counselor)
    IntakeFactory(case=case)
    goal = GoalFactory(case=case)
    follow_up = FollowUpFactory(case=case)
    note = NoteFactory(case=case)
    referral = ReferralFactory(case=case)
    escalation = EscalationFactory(case=case)
    concern = ConcernFactory(
        student=cast.student, referred_by=cast.class_teacher, case=case, status=ConcernStatus.ACCEPTED
    )
    complaint = ComplaintFactory(filed_by=cast.student)
    # Routed to the counselor who holds the student's case: a colleague does not learn it exists.
    signal = RiskSignalFactory(student=cast.student, counselor=cast.counselor, case=case)
    world["case"] = case
    family_message = FamilyMessage.objects.create(
        case=case, guardian=cast.guardian, text="请今晚多陪伴孩子。", sent_by=cast.counselor
    )

    counseling = expect(200, roles=COUNSELING)
    # The case's own pages: its counselor and the head counselor; a colleague does not learn it exists.
    scoped = expect(200, roles=("counselor", "head"), other_counselor=404)
    post_only = expect(405, roles=COUNSELING)
    head_only = expect(200, roles=("head",))
    everyone = expect(200)
    referrers = expect(200, roles=("class_teacher", "other_teacher"))

    def url(name: str, *args) -> str:
        return reverse(f"cases:{name}", args=args)

    return {
        "cases:case_list": Route(url("case_list"), counseling),
        "cases:case_export": Route(url("case_export"), counseling),
        "cases:case_open": Route(url("case_open"), counseling),
        "cases:detail": Route(url("detail", case.pk), scoped),
        "cases:case_edit": Route(url("case_edit", case.pk), scoped),
        "cases:case_print": Route(url("case_print", case.pk), scoped),
        "cases:case_audit": Route(url("case_audit", case.pk), head_only),
        "cases:intake": Route(url("intake", case.pk), scoped),
        "cases:intake_edit": Route(url("intake_edit", case.pk), scoped),
        "cases:goal_add": Route(url("goal_add", case.pk), scoped),
        "cases:goal_edit": Route(url("goal_edit", case.pk, goal.pk), scoped),
        "cases:followup_add": Route(url("followup_add", case.pk), scoped),
        "cases:followup_done": Route(url("followup_done", case.pk, follow_up.pk), post_only),
        # Only the counselor who holds the case writes its notes; the head counselor reads them.
        "cases:note_add": Route(url("note_add", case.pk), expect(200, roles=("counselor",), other_counselor=404)),
        "cases:note_detail": Route(url("note_detail", note.pk), scoped),
        # The head counselor may not edit a colleague's note: sent back to the note.
        "cases:note_edit": Route(
            url("note_edit", note.pk), expect(200, roles=("counselor",), other_counselor=404, head=302)
        ),
        "cases:note_sign": Route(url("note_sign", note.pk), post_only),
        "cases:note_cosign": Route(url("note_cosign", note.pk), expect(405, roles=("head",))),
        "cases:note_addendum": Route(url("note_addendum", note.pk), post_only),
        "cases:referral_add": Route(url("referral_add", case.pk), scoped),
        "cases:referral_detail": Route(url("referral_detail", referral.pk), scoped),
        "cases:referral_edit": Route(url("referral_edit", referral.pk), scoped),
        "cases:crisis_add": Route(url("crisis_add", case.pk), scoped),
        "cases:crisis_list": Route(url("crisis_list"), expect(200, roles=("head", "leader"))),
        # Leaders read the facts of every escalation; a counselor those of their own cases.
        "cases:crisis_detail": Route(
            url("crisis_detail", escalation.pk), expect(200, roles=("counselor", "head", "leader"), other_counselor=404)
        ),
        "cases:crisis_acknowledge": Route(
            url("crisis_acknowledge", escalation.pk), expect(405, roles=("head", "leader"))
        ),
        "cases:crisis_actions": Route(url("crisis_actions", escalation.pk), scoped),
        "cases:family_message": Route(url("family_message", case.pk), scoped),
        # Written to the student's mother: hers to read; another family's guardian does not learn it exists.
        "cases:family_message_read": Route(
            url("family_message_read", family_message.pk), expect(200, roles=("guardian",), other_guardian=404)
        ),
        "cases:handover": Route(url("handover", case.pk), head_only),
        "cases:handover_all": Route(url("handover_all"), head_only),
        "cases:concern_inbox": Route(url("concern_inbox"), counseling),
        # Taken up in the counselor's case: a colleague no longer sees it.
        "cases:concern_detail": Route(url("concern_detail", concern.pk), scoped),
        "cases:concern_take_up": Route(url("concern_take_up", concern.pk), post_only),
        "cases:concern_no_case": Route(url("concern_no_case", concern.pk), post_only),
        "cases:concern_new": Route(url("concern_new"), referrers),
        "cases:concern_mine": Route(url("concern_mine"), referrers),
        # The class teacher who passed it on sees "received" and "being followed"; another teacher 404.
        "cases:concern_status": Route(
            url("concern_status", concern.pk), expect(200, roles=("class_teacher",), other_teacher=404)
        ),
        "cases:complaint_new": Route(url("complaint_new"), everyone),
        "cases:complaint_mine": Route(url("complaint_mine"), everyone),
        "cases:complaint_list": Route(url("complaint_list"), head_only),
        "cases:complaint_handle": Route(url("complaint_handle", complaint.pk), head_only),
        "cases:statistics": Route(url("statistics"), expect(200, roles=("head", "leader", "administrator"))),
        # Risk signals: counseling staff triage them; class teachers, students, leaders never see one.
        "cases:triage": Route(url("triage"), counseling),
        "cases:signal_detail": Route(url("signal_detail", signal.pk), scoped),
        "cases:signal_acknowledge": Route(url("signal_acknowledge", signal.pk), post_only),
        "cases:signal_dismiss": Route(url("signal_dismiss", signal.pk), post_only),
        "cases:signal_open_case": Route(url("signal_open_case", signal.pk), post_only),
        "cases:signal_crisis": Route(url("signal_crisis", signal.pk), post_only),
    }
