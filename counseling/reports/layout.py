"""Turning a report's stored aggregates into sections of figures, tables and charts.

The same sections feed the HTML page, the PDF and the spreadsheet, so the three always agree.
Stored data holds raw codes and ids; labels are looked up here, at render time, in the reader's
language. Any cell that counts students in a group smaller than five is shown as "<5".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from counseling.services.aggregates import suppress, suppress_row


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart: bool = False
    # "<section>.<key>", how the chart view finds the table again.
    ref: str = ""


@dataclass
class Section:
    key: str
    title: str
    figures: list[tuple[str, object, object]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _choices(enum) -> Callable[[object], str]:
    labels = dict(enum.choices)
    return lambda value: str(labels.get(value, value if value not in (None, "None") else _("Not given")))


def _figures(current: dict, previous: dict, rows: list[tuple[str, str]]) -> list[tuple[str, object, object]]:
    return [(label, current.get(key), previous.get(key) if previous else None) for key, label in rows if key in current]


def _breakdown(
    key: str,
    title: str,
    current: dict,
    previous: dict | None,
    label: Callable[[object], str] = str,
    *,
    headcount: bool = True,
    chart: bool = True,
) -> Table | None:
    """A table of group → count for this term (and the previous one).

    A table that counts people is suppressed column by column with complementary suppression,
    because the column's total is shown among the section's figures.
    """
    if not current and not previous:
        return None
    names = list(current) + [name for name in (previous or {}) if name not in current]
    columns = [_("Group"), _("This term")] + ([_("Previous term")] if previous is not None else [])
    shown = [{name: current.get(name, 0) for name in names}]
    if previous is not None:
        shown.append({name: previous.get(name, 0) for name in names})
    if headcount:
        shown = [suppress_row(column) for column in shown]
    rows = [[label(name)] + [column[name] for column in shown] for name in names]
    return Table(key, title, columns, rows, chart=chart and len(rows) <= 24)


def _list_to_map(items: list, key: str, value: str) -> dict:
    return {str(item.get(key)): item.get(value, 0) for item in items or []}


def _user_names(ids: set) -> dict[str, str]:
    from counseling.models import User

    wanted = [int(i) for i in ids if str(i).isdigit()]
    return {str(u.pk): u.get_full_name() for u in User.objects.filter(pk__in=wanted)}


def _appointments(current: dict, previous: dict) -> Section:
    from appointments.enums import AppointmentStatus, MailboxKind
    from counseling.enums import Channel
    from counseling.models import ConcernCategory

    section = Section("appointments", _("Appointments and consultations"))
    section.figures = _figures(
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
    topics = {c.code: str(c) for c in ConcernCategory.objects.all()}
    tables = [
        _breakdown(
            "sessions_by_channel",
            _("Sessions by channel"),
            current.get("sessions_by_channel", {}),
            previous.get("sessions_by_channel") if previous else None,
            _choices(Channel),
        ),
        _breakdown(
            "sessions_by_grade",
            _("Sessions by grade"),
            _list_to_map(current.get("sessions_by_grade"), "grade", "sessions"),
            _list_to_map(previous.get("sessions_by_grade"), "grade", "sessions") if previous else None,
            lambda name: name if name != "None" else _("Not given"),
        ),
        _breakdown(
            "sessions_by_topic",
            _("Sessions by concern category"),
            _list_to_map(current.get("sessions_by_topic"), "topic_code", "sessions"),
            _list_to_map(previous.get("sessions_by_topic"), "topic_code", "sessions") if previous else None,
            lambda code: topics.get(code, _("Not given")),
        ),
        _breakdown(
            "appointments_by_status",
            _("Appointments by outcome"),
            current.get("appointments_by_status", {}),
            previous.get("appointments_by_status") if previous else None,
            _choices(AppointmentStatus),
        ),
        _breakdown(
            "mailbox_by_kind",
            _("Mailbox items by kind"),
            current.get("mailbox_by_kind", {}),
            previous.get("mailbox_by_kind") if previous else None,
            _choices(MailboxKind),
            chart=False,
        ),
    ]
    section.tables = [table for table in tables if table]
    return section


def _cases(current: dict, previous: dict) -> Section:
    from counseling.cases.enums import CaseSource, ReferralStatus, RiskLevel
    from counseling.enums import Channel
    from counseling.models import ConcernCategory

    section = Section("cases", _("Case work, referrals and crises"))
    section.figures = _figures(
        current,
        previous,
        [
            ("cases_opened", _("Cases opened")),
            ("cases_closed", _("Cases closed")),
            ("students_seen", _("Students with session notes")),
            ("notes", _("Session notes written")),
            ("session_minutes", _("Minutes of counseling recorded")),
            ("notes_unsigned", _("Session notes still unsigned")),
            ("referrals", _("Referrals to outside services")),
            ("crises", _("Crisis escalations")),
            ("crisis_events", _("of which crisis events")),
            ("crises_unacknowledged", _("Escalations never acknowledged")),
            ("ack_minutes_median", _("Minutes to acknowledge (median)")),
            ("ack_minutes_max", _("Minutes to acknowledge (longest)")),
        ],
    )
    categories = {c.code: str(c) for c in ConcernCategory.objects.all()}
    tables = [
        _breakdown(
            "cases_by_source",
            _("Cases by source"),
            current.get("cases_by_source", {}),
            previous.get("cases_by_source") if previous else None,
            _choices(CaseSource),
        ),
        _breakdown(
            "cases_by_category",
            _("Cases by concern category"),
            current.get("cases_by_category", {}),
            previous.get("cases_by_category") if previous else None,
            lambda code: categories.get(code, code),
        ),
        _breakdown(
            "cases_by_risk",
            _("Cases by risk level"),
            current.get("cases_by_risk", {}),
            previous.get("cases_by_risk") if previous else None,
            _choices(RiskLevel),
        ),
        _breakdown(
            "referrals_by_status",
            _("Referrals by state"),
            current.get("referrals_by_status", {}),
            previous.get("referrals_by_status") if previous else None,
            _choices(ReferralStatus),
            chart=False,
        ),
        _breakdown(
            "notes_by_channel",
            _("Session notes by channel"),
            current.get("notes_by_channel", {}),
            previous.get("notes_by_channel") if previous else None,
            _choices(Channel),
        ),
    ]
    section.tables = [table for table in tables if table]
    return section


def _archives(current: dict, previous: dict) -> Section:
    from archives.models import Instrument, WarningStatus

    section = Section("archives", _("Screenings, early warning and the focus list"))
    coverage, warnings, focus = current.get("coverage", {}), current.get("warnings", {}), current.get("focus", {})
    prev_coverage = previous.get("coverage", {}) if previous else {}
    prev_warnings = previous.get("warnings", {}) if previous else {}
    prev_focus = previous.get("focus", {}) if previous else {}
    section.figures = (
        _figures(
            coverage,
            prev_coverage,
            [
                ("students_invited", _("Students invited to a screening")),
                ("students_answered", _("Students who answered")),
            ],
        )
        + _figures(
            warnings,
            prev_warnings,
            [("raised", _("Early warnings raised")), ("critical", _("of which critical answers"))],
        )
        + _figures(
            focus,
            prev_focus,
            [
                ("added", _("Added to the focus list")),
                ("removed", _("Taken off the focus list")),
                ("active_at_end", _("On the focus list at the end of the term")),
            ],
        )
    )
    screenings = current.get("screenings") or []
    if screenings:
        rows = []
        for screening in screenings:
            invited, answered = screening.get("invited", 0), screening.get("answered", 0)
            rate = f"{round(100 * answered / invited)}%" if invited else "—"
            rows.append([screening.get("title", ""), suppress(invited), suppress(answered), rate])
        section.tables.append(
            Table(
                "screenings",
                _("Screening coverage"),
                [_("Screening"), _("Invited"), _("Answered"), _("Coverage")],
                rows,
            )
        )
    instruments = {i.code: i for i in Instrument.objects.filter(code__in=list(current.get("bands", {})))}
    for code, bands in (current.get("bands") or {}).items():
        instrument = instruments.get(code)
        table = _breakdown(
            f"bands_{code}",
            _("Result bands: %(instrument)s") % {"instrument": instrument.short_name if instrument else code},
            bands,
            (previous.get("bands", {}) or {}).get(code) if previous else None,
            (lambda band, i=instrument: i.band_label(band) or band) if instrument else str,
        )
        if table:
            section.tables.append(table)
    handled = {status: warnings.get(status, 0) for status in WarningStatus.values}
    table = _breakdown(
        "warnings_by_outcome",
        _("Early warnings by outcome"),
        handled,
        {status: prev_warnings.get(status, 0) for status in WarningStatus.values} if previous else None,
        _choices(WarningStatus),
    )
    if table and any(handled.values()):
        section.tables.append(table)
    return section


def _campaigns(current: dict, previous: dict) -> Section:
    from campaigns.enums import CampaignKind, EventKind

    section = Section("campaigns", _("Awareness campaigns"))

    def nested(part: str, key: str) -> tuple[object, object]:
        return (current.get(part) or {}).get(key), ((previous or {}).get(part) or {}).get(key) if previous else None

    for part, key, label in [
        ("campaigns", "total", _("Campaigns")),
        ("campaigns", "summarised", _("Campaigns with a summary sent")),
        ("events", "total", _("Events")),
        ("events", "with_registration", _("Events with registration")),
        ("registrations", "total", _("Event registrations")),
        ("registrations", "students", _("Students who registered")),
        ("entries", "total", _("Contest entries")),
        ("entries", "classes", _("Classes that entered a contest")),
        ("reports", "received", _("Class reports received")),
    ]:
        value, before = nested(part, key)
        if value is not None:
            section.figures.append((label, value, before))
    tables = [
        _breakdown(
            "events_by_kind",
            _("Events by kind"),
            current.get("events_by_kind", {}),
            previous.get("events_by_kind") if previous else None,
            _choices(EventKind),
            headcount=False,
        ),
        _breakdown(
            "campaigns_by_kind",
            _("Campaigns by kind"),
            current.get("campaigns_by_kind", {}),
            previous.get("campaigns_by_kind") if previous else None,
            _choices(CampaignKind),
            headcount=False,
            chart=False,
        ),
    ]
    section.tables = [table for table in tables if table]
    points = current.get("class_points") or []
    if points:
        rows = [
            [
                _("%(grade)s class %(number)s") % {"grade": row.get("grade"), "number": row.get("class_number")},
                row.get("points"),
                row.get("awards"),
            ]
            for row in points
        ]
        section.tables.append(
            Table("class_points", _("Contest results: class points"), [_("Class"), _("Points"), _("Awards")], rows)
        )
    return section


def _workload(data: dict) -> Section | None:
    """Each counselor's work this term (服务量化): sessions held and notes written."""
    appointments = (data.get("current") or {}).get("appointments") or {}
    cases = (data.get("current") or {}).get("cases") or {}
    sessions = _list_to_map(appointments.get("sessions_by_counselor"), "counselor_id", "sessions")
    notes = {str(k): v for k, v in (cases.get("notes_by_counselor") or {}).items()}
    if not sessions and not notes:
        return None
    names = _user_names(set(sessions) | set(notes))
    ids = sorted(set(sessions) | set(notes), key=lambda i: names.get(i, i))
    rows = [[names.get(i, "—"), sessions.get(i, 0), notes.get(i, 0)] for i in ids]
    section = Section("workload", _("Counselors' workload"))
    section.tables.append(
        Table("by_counselor", _("Sessions and notes per counselor"), [_("Counselor"), _("Sessions"), _("Notes")], rows)
    )
    return section


BUILDERS: dict[str, Callable[[dict, dict], Section]] = {
    "appointments": _appointments,
    "cases": _cases,
    "archives": _archives,
    "campaigns": _campaigns,
}


def sections(data: dict) -> list[Section]:
    current = data.get("current") or {}
    previous = data.get("previous") or {}
    result: list[Section] = []
    for app, build in BUILDERS.items():
        if app in current:
            result.append(build(current[app], previous.get(app) or {}))
    workload = _workload(data)
    if workload is not None:
        result.append(workload)
    for section in result:
        for table in section.tables:
            table.ref = f"{section.key}.{table.key}"
    return result


def find_table(data: dict, ref: str) -> Table | None:
    for section in sections(data):
        for table in section.tables:
            if table.ref == ref:
                return table
    return None
