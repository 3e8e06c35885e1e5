"""Aggregate numbers for the end-of-term report (服务量化指标): counts only, no names, no content.

Every number is computed by the database (aggregate / values + annotate), never by looping over
rows in Python. ``section`` presents the stored numbers in the report.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext as _

from appointments.enums import AppointmentStatus, MailboxKind, MailboxStatus
from appointments.models import Appointment, GroupParticipant, GroupSession, MailboxItem
from appointments.services.slots import day_bounds
from counseling.enums import Channel, ClientKind
from counseling.models import ConcernCategory, Grade
from counseling.services.sections import Section, breakdown, choice_label, figures, list_to_map


def summary(start: datetime.date, end: datetime.date) -> dict:
    """Appointments, group sessions and mailbox items from ``start`` to ``end`` (inclusive).

    "Sessions" are appointments marked attended. Keys:
    ``sessions``, ``unique_students`` (students only), ``clients_by_kind`` {client kind: distinct
    people with a session} and ``sessions_by_kind`` {client kind: sessions} (students, teachers and
    guardians served, each kind by its snapshot on the appointment), ``first_visits``, ``no_shows``, ``cancelled``, ``declined``,
    ``appointments_by_status`` {status: n}, ``sessions_by_channel`` {channel: n},
    ``sessions_by_counselor`` [{counselor_id, sessions}], ``sessions_by_grade`` [{grade_id, grade, sessions}] (the grade at the time of the session),
    ``sessions_by_topic`` [{topic_id, topic_code, sessions}] (topic None = not given),
    ``group_sessions``, ``group_participants``, ``group_seats``, ``mailbox_items``,
    ``mailbox_by_kind`` {kind: n}, ``mailbox_anonymous``, ``mailbox_unhandled``.
    """
    lo, hi = day_bounds(start, end)
    period = Appointment.objects.filter(starts_at__gte=lo, starts_at__lt=hi)
    sessions = period.filter(status=AppointmentStatus.ATTENDED)
    totals = period.aggregate(
        sessions=Count("id", filter=Q(status=AppointmentStatus.ATTENDED)),
        unique_students=Count(
            "student", filter=Q(status=AppointmentStatus.ATTENDED, client_kind=ClientKind.STUDENT), distinct=True
        ),
        first_visits=Count("id", filter=Q(status=AppointmentStatus.ATTENDED, is_first_visit=True)),
        no_shows=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)),
        cancelled=Count("id", filter=Q(status=AppointmentStatus.CANCELLED)),
        declined=Count("id", filter=Q(status=AppointmentStatus.DECLINED)),
    )
    groups = GroupSession.objects.filter(is_cancelled=False, starts_at__gte=lo, starts_at__lt=hi)
    group_totals = groups.aggregate(group_sessions=Count("id"), group_seats=Sum("capacity"))
    mailbox = MailboxItem.objects.filter(created_at__gte=lo, created_at__lt=hi)
    mailbox_totals = mailbox.aggregate(
        mailbox_items=Count("id"),
        mailbox_anonymous=Count("id", filter=Q(is_anonymous=True)),
        mailbox_unhandled=Count("id", filter=Q(status=MailboxStatus.NEW)),
    )
    return {
        "start": start,
        "end": end,
        **totals,
        "appointments_by_status": dict(period.values_list("status").annotate(n=Count("id")).order_by()),
        "sessions_by_channel": dict(sessions.values_list("channel").annotate(n=Count("id")).order_by()),
        "clients_by_kind": dict(
            sessions.values_list("client_kind").annotate(n=Count("student", distinct=True)).order_by()
        ),
        "sessions_by_kind": dict(sessions.values_list("client_kind").annotate(n=Count("id")).order_by()),
        "sessions_by_counselor": list(
            sessions.values("counselor_id").annotate(sessions=Count("id")).order_by("counselor_id")
        ),
        # By the grade at the time of the session, not the student's grade now (after a rollover).
        "sessions_by_grade": [
            {"grade_id": row["grade_id"], "grade": row["grade__name"], "sessions": row["sessions"]}
            for row in sessions.values("grade_id", "grade__name").annotate(sessions=Count("id")).order_by("grade_id")
        ],
        "sessions_by_topic": list(
            sessions.values("topic_id", topic_code=F("topic__code")).annotate(sessions=Count("id")).order_by("topic_id")
        ),
        "group_sessions": group_totals["group_sessions"],
        "group_seats": group_totals["group_seats"] or 0,
        "group_participants": GroupParticipant.objects.filter(session__in=groups).count(),
        **mailbox_totals,
        "mailbox_by_kind": {
            kind: n
            for kind, n in mailbox.values_list("kind").annotate(n=Count("id")).order_by()
            if kind in MailboxKind.values
        },
    }


def section(current: dict, previous: dict | None) -> Section:
    """The report's section on appointments, from the stored ``summary`` of this term and the previous one.

    Every count is a cell of the section's sheet, with what a reader can add up: sessions by
    channel, grade and topic each add up to the sessions held, appointments by outcome repeat the
    sessions, no-shows, cancellations and declines, and the "of which" figures.
    """
    section = Section("appointments", _("Appointments and consultations"))
    section.figures = figures(
        section,
        current,
        previous,
        [
            ("sessions", _("Individual sessions held")),
            ("unique_students", _("Students served")),
            ("first_visits", _("First visits")),
            ("no_shows", _("No-shows")),
            ("cancelled", _("Cancelled appointments")),
            ("declined", _("Declined requests")),
            ("group_sessions", _("Group sessions")),
            ("group_participants", _("Group session participants")),
            ("mailbox_items", _("Mailbox letters and requests")),
            ("mailbox_anonymous", _("of which anonymous")),
            ("mailbox_unhandled", _("Mailbox items still unhandled")),
        ],
    )
    for part in ("unique_students", "first_visits"):
        section.at_most("sessions", [part])
    section.at_most("mailbox_items", ["mailbox_anonymous"])
    section.at_most("mailbox_items", ["mailbox_unhandled"])
    topics = {c.code: str(c) for c in ConcernCategory.objects.all()}
    grades = list(Grade.objects.order_by("level").values_list("name", flat=True))
    tables = [
        breakdown(
            section,
            "sessions_by_channel",
            _("Sessions by channel"),
            current.get("sessions_by_channel", {}),
            previous.get("sessions_by_channel") if previous else None,
            choice_label(Channel),
            order=Channel.values,
            total="sessions",
        ),
        breakdown(
            section,
            "sessions_by_grade",
            _("Sessions by grade"),
            list_to_map(current.get("sessions_by_grade"), "grade", "sessions"),
            list_to_map(previous.get("sessions_by_grade"), "grade", "sessions") if previous else None,
            lambda name: name if name != "None" else _("Not given"),
            order=[*grades, "None"],
            total="sessions",
        ),
        breakdown(
            section,
            "sessions_by_topic",
            _("Sessions by concern category"),
            list_to_map(current.get("sessions_by_topic"), "topic_code", "sessions"),
            list_to_map(previous.get("sessions_by_topic"), "topic_code", "sessions") if previous else None,
            lambda code: topics.get(code, _("Not given")),
            order=[*topics, "None"],
            total="sessions",
        ),
        breakdown(
            section,
            "appointments_by_status",
            _("Appointments by outcome"),
            current.get("appointments_by_status", {}),
            previous.get("appointments_by_status") if previous else None,
            choice_label(AppointmentStatus),
            order=AppointmentStatus.values,
        ),
        breakdown(
            section,
            "mailbox_by_kind",
            _("Mailbox items by kind"),
            current.get("mailbox_by_kind", {}),
            previous.get("mailbox_by_kind") if previous else None,
            choice_label(MailboxKind),
            chart=False,
            order=MailboxKind.values,
            total="mailbox_items",
        ),
    ]
    # People served by kind (服务对象: 学生、教师、家长), each counted once however often they came,
    # and their sessions. A report stored before the kinds were counted has neither table.
    if "clients_by_kind" in current:
        tables[1:1] = [
            breakdown(
                section,
                "clients_by_kind",
                _("People served, by kind"),
                current["clients_by_kind"],
                previous.get("clients_by_kind") if previous else None,
                choice_label(ClientKind),
                order=ClientKind.values,
            ),
            breakdown(
                section,
                "sessions_by_kind",
                _("Sessions by kind of client"),
                current.get("sessions_by_kind", {}),
                previous.get("sessions_by_kind") if previous else None,
                choice_label(ClientKind),
                order=ClientKind.values,
                total="sessions",
            ),
        ]
    # The outcome table repeats four figures: the same count printed twice is one relation.
    for status, figure in [
        (AppointmentStatus.ATTENDED, "sessions"),
        (AppointmentStatus.NO_SHOW, "no_shows"),
        (AppointmentStatus.CANCELLED, "cancelled"),
        (AppointmentStatus.DECLINED, "declined"),
    ]:
        section.total(figure, [f"appointments_by_status:{status}"])
    # The students served are printed twice (a figure and a row); each kind's people are at most
    # its sessions. Rows of a report stored before the kinds were counted are not related.
    if "clients_by_kind" in current:
        section.total("unique_students", [f"clients_by_kind:{ClientKind.STUDENT}"])
        for kind in ClientKind.values:
            section.at_most(f"sessions_by_kind:{kind}", [f"clients_by_kind:{kind}"])
    section.tables = [table for table in tables if table]
    return section


def district_figures(start: datetime.date, end: datetime.date) -> dict:
    """``sessions``: appointments marked attended from ``start`` to ``end`` (one query), for the district office."""
    lo, hi = day_bounds(start, end)
    return {
        "sessions": Appointment.objects.filter(
            starts_at__gte=lo, starts_at__lt=hi, status=AppointmentStatus.ATTENDED
        ).count()
    }
