"""The case records' part of a student's data export (the ``export`` hook, see counseling.schoolyear.registry).

CONFIDENTIAL: the head counselor includes these files only after a second confirmation with a
reason. Every case, intake, note, referral and escalation exported is audited one by one, as a
printed case is (``audited``).

Third parties are protected: whoever passed on a concern about the student (a classmate on the
psychology committee, a teacher) is named only as "a classmate" / "a staff member", and their
name, number, e-mail and phone are withheld from every text of these files; their words about the
student stay. Counselors who kept the records are named (``counseling.export.person_label``).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from counseling.cases.enums import CaseSource
from counseling.cases.models import Case, Complaint, Concern
from counseling.export import person_label, withhold

CONFIDENTIAL = True


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _reporters(student) -> list:
    """Everyone who passed on a concern about ``student``: third parties to withhold."""
    concerns = Concern.objects.filter(student=student).select_related("referred_by__student_profile")
    return list({concern.referred_by for concern in concerns})


def _cases(student):
    return (
        Case.objects.filter(student=student)
        .select_related("student", "counselor", "intake")
        .prefetch_related(
            "categories",
            "goals",
            "follow_ups",
            "handovers__from_counselor",
            "handovers__to_counselor",
            "referrals",
            "notes__author",
            "notes__addenda__author",
            "escalations__raised_by",
            "escalations__acknowledged_by",
            "risk_lowerings__by",
        )
        .order_by("opened_at", "id")
    )


def _labels() -> dict[str, str]:
    # The models' own (translated) names, outside f-strings so makemessages finds them.
    names = {
        "counselor": _("counselor"),
        "source": _("source"),
        "categories": _("concern categories"),
        "risk": _("risk level"),
        "status": _("status"),
        "opened": _("opened"),
        "closed": _("closed"),
        "intake": _("intake"),
        "goal": _("goal"),
        "follow_up": _("follow-up"),
        "handover": _("handover"),
        "note": _("session note"),
        "content": _("content"),
        "analysis": _("analysis"),
        "next_steps": _("next steps"),
        "addendum": _("addendum"),
        "referral": _("referral"),
        "reason": pgettext_lazy("referral", "reason"),
        "outcome": _("outcome"),
        "escalation": _("crisis escalation"),
        "guardian": _("guardian called"),
        "lowered": _("risk lowered below open signals"),
    }
    return {key: capfirst(value) for key, value in names.items()}


def _source(case: Case) -> str:
    # "Class-teacher referral" would say who passed the concern on (and a committee member's
    # concern is taken up under the same source): the export says only that one was passed on.
    if case.source == CaseSource.TEACHER_REFERRAL:
        return _("A concern passed on to the office")
    return case.get_source_display()


def _case_text(case: Case, reporters: list) -> str:
    label = _labels()
    student = case.student

    def _name(user) -> str:
        return person_label(user, student=student)

    counselor_names = {case.counselor.get_full_name()}
    counselor_names |= {h.from_counselor.get_full_name() for h in case.handovers.all() if h.from_counselor}
    counselor_names |= {h.to_counselor.get_full_name() for h in case.handovers.all() if h.to_counselor}
    lines = [
        _("Case %(number)s") % {"number": case.number},
        f"{label['counselor']}: {_name(case.counselor)}",
        f"{label['source']}: {_source(case)}",
        f"{label['categories']}: {', '.join(str(c) for c in case.categories.all()) or '—'}",
        f"{label['risk']}: {case.get_risk_level_display()}",
        f"{label['status']}: {case.get_status_display()}",
        f"{label['opened']}: {_when(case.opened_at)}",
        f"{label['closed']}: {_when(case.closed_at)}",
    ]
    intake = getattr(case, "intake", None)
    if intake is not None:
        lines += [
            "",
            f"== {label['intake']} ({intake.assessed_on:%Y-%m-%d}, {intake.get_method_display()})",
            intake.narrative or "—",
        ]
    for goal in case.goals.all():
        lines += ["", f"== {label['goal']} ({goal.get_status_display()})", goal.description, goal.approach or ""]
    for follow_up in case.follow_ups.all():
        lines += [
            "",
            f"== {label['follow_up']} {follow_up.due_on:%Y-%m-%d} ({follow_up.get_status_display()})",
            follow_up.purpose or "—",
        ]
    for handover in case.handovers.all():
        lines += [
            "",
            f"== {label['handover']} {_when(handover.created_at)}: {_name(handover.from_counselor)} → {_name(handover.to_counselor)}",
            handover.note or "—",
        ]
    for note in sorted(case.notes.all(), key=lambda n: (n.held_on, n.pk)):
        lines += [
            "",
            f"== {label['note']} {note.held_on:%Y-%m-%d} · {note.get_channel_display()} · {note.duration_minutes} min · {_name(note.author)}",
            f"{label['content']}: {note.content or '—'}",
            f"{label['analysis']}: {note.analysis or '—'}",
            f"{label['next_steps']}: {note.next_steps or '—'}",
        ]
        lines += [
            f"{label['addendum']} {_when(a.created_at)} ({_name(a.author)}): {a.text}" for a in note.addenda.all()
        ]
    for referral in case.referrals.all():
        lines += [
            "",
            f"== {label['referral']} {referral.referred_on:%Y-%m-%d}: {referral.institution} ({referral.get_status_display()})",
            f"{label['reason']}: {referral.reason or '—'}",
            f"{label['outcome']}: {referral.outcome or '—'}",
        ]
    for escalation in case.escalations.all():
        called = _when(escalation.guardian_called_at) if escalation.guardian_called else "—"
        # Typed by hand: a counselor of the case is named, anyone else is a staff member.
        caller = escalation.guardian_contact_by.strip()
        if caller and caller not in counselor_names:
            caller = _("a staff member")
        lines += [
            "",
            f"== {label['escalation']} {_when(escalation.raised_at)} · {escalation.get_risk_level_display()}",
            escalation.narrative or "—",
            f"{label['guardian']}: {called} {caller}".rstrip(),
            escalation.guardian_contact_outcome or escalation.guardian_not_contacted_reason or "",
        ]
    for lowering in case.risk_lowerings.all():
        lines += [
            "",
            f"== {label['lowered']} {_when(lowering.created_at)} · {_name(lowering.by)}: "
            f"{lowering.get_from_level_display()} → {lowering.get_to_level_display()} ({lowering.get_floor_display()})",
            lowering.reason,
        ]
    keep = [student.get_full_name(), *counselor_names]
    return withhold("\n".join(lines), reporters, keep=keep) + "\n"


def export_student(student) -> dict[str, str]:
    reporters = _reporters(student)
    files = {f"case-{case.number}.txt": _case_text(case, reporters) for case in _cases(student)}
    concerns = (
        Concern.objects.filter(student=student)
        .select_related("referred_by__student_profile", "case__counselor")
        .order_by("created_at", "id")
    )
    if concerns:
        text = "\n\n".join(
            f"{_when(c.created_at)} · {person_label(c.referred_by, student=student)} · {c.get_status_display()}\n"
            f"{c.description}"
            for c in concerns
        )
        keep = [student.get_full_name(), *(c.case.counselor.get_full_name() for c in concerns if c.case)]
        files["concerns.txt"] = withhold(text, reporters, keep=keep) + "\n"
    complaints = Complaint.objects.filter(filed_by=student).order_by("filed_at", "id")
    if complaints:
        files["complaints.txt"] = (
            "\n\n".join(
                f"{_when(c.filed_at)} · {c.get_topic_display()} · {c.get_status_display()}\n{c.description}\n{c.outcome}"
                for c in complaints
            )
            + "\n"
        )
    return files


def audited(student) -> list:
    """Every record read into the export, for one EXPORT audit entry each."""
    records = []
    for case in _cases(student):
        records.append(case)
        if getattr(case, "intake", None) is not None:
            records.append(case.intake)
        records.extend(case.notes.all())
        records.extend(case.referrals.all())
        records.extend(case.escalations.all())
    records.extend(Concern.objects.filter(student=student))
    return records
