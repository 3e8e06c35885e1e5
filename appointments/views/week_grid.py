"""The counselor's week as plain values: what each column, card and chip of the grid shows.

A busy week draws a hundred cards and chips. Worked out here (one ``reverse()`` per URL pattern,
each time, label and badge formatted once per distinct value), the grid costs a fraction of what
per-cell ``{% url %}``, ``|time`` and template tags cost; the template only places the values, so
the HTML is the same.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from appointments.services.agenda import AgendaDay, AgendaRow
from appointments.templatetags.appointments_tags import client_kind_badge, risk_badge, status_badge
from counseling.models import SchoolClass
from counseling.rows import Address, Clock


def _once(memo: dict, key, make: Callable[[object], str], argument) -> str:
    """``memo[key]``, made with ``make(argument)`` on first use: names, labels and badges repeat across the week."""
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = make(argument)
        return value


def _after_dot(text) -> str:
    return format_html(" · {}", text)


def _channel(appointment: AgendaRow) -> str:
    return escape(appointment.get_channel_display())


def _class_key(appointment: AgendaRow) -> tuple:
    """What the class line of a card depends on: the kind of an adult client, else the student's
    class (grade and number). Students of one class share it, so it is made once per class."""
    if appointment.is_adult_client:
        return (appointment.client_kind,)
    return (None, appointment.grade_name, appointment.class_number)


# Pure functions of a few values (a class's grade and number, a date) in the current language, kept
# across requests: the same few classes and days come back on every page. Nothing here names a
# student or an appointment; each memo is cleared when it grows past _MEMO_SIZE.
_MEMO_SIZE = 1024
_class_labels: dict[tuple, str] = {}
_day_headings: dict[tuple, tuple[str, str]] = {}


def _remembered(memo: dict, key, make: Callable[[], object]):
    try:
        return memo[key]
    except KeyError:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        value = memo[key] = make()
        return value


_clocks: dict[tuple, Clock] = {}


def _clock(*, escaped: bool) -> Clock:
    """A ``Clock`` of the current language and time zone, kept with the times it has formatted."""
    zone = timezone.get_current_timezone()
    clock = _remembered(_clocks, (get_language(), str(zone), escaped), lambda: Clock(escaped=escaped))
    if len(clock.seen) >= _MEMO_SIZE:
        clock.seen.clear()
    return clock


def _class_label(grade_name: str, class_number: int) -> str:
    """``SchoolClass.label`` escaped, in the current language (three translations each time, made once)."""
    return _remembered(
        _class_labels,
        (get_language(), grade_name, class_number),
        lambda: escape(SchoolClass.label(grade_name, class_number)),
    )


def _day_heading(day: datetime.date) -> tuple[str, str]:
    """A column's weekday and date as ``date_format`` gives them, in the current language."""
    return _remembered(
        _day_headings,
        (get_language(), day),
        lambda: (date_format(day, "l"), date_format(day, "MONTH_DAY_FORMAT")),
    )


def _school_class(appointment: AgendaRow) -> str:
    """The student's class as the template's ``|default:""`` showed it (escaped): empty without a
    profile. A teacher or a guardian has no class: their card says who comes instead."""
    if appointment.is_adult_client:
        return client_kind_badge(appointment.client_kind)
    if appointment.class_number is None:
        return ""
    return _class_label(appointment.grade_name, appointment.class_number)


# One appointment card, as the week template drew it (the whitespace included).
CARD = (
    '\n      <a class="card agenda-item text-decoration-none status-{status}" href="{url}"'
    ' data-testid="agenda-appointment">'
    '\n        <div class="card-body p-2">'
    '\n          <div class="d-flex justify-content-between gap-1"><span class="fw-semibold">{starts}–{ends}</span>'
    "{badge}</div>"
    "\n          <div>{student}{first_visit}</div>"
    "\n          {risk}"
    '\n          <div class="small text-body-secondary">{school_class}</div>'
    '\n          <div class="small text-body-secondary">{channel}{room}{counselor}</div>'
    "\n        </div>"
    "\n      </a>"
    "\n    "
)

# One free time, as the week template drew it in its loop (the whitespace included).
CHIP = (
    '\n      <a class="badge rounded-pill {pill} text-decoration-none" href="{href}" title="{title}">'
    "{time}{star}{counselor}</a>"
    "\n      "
)


def week_columns(
    agenda_days: list[AgendaDay], *, selected: str, show_counselor: bool, today: datetime.date
) -> tuple[list[dict], dict]:
    """One dict per day column of the week template (heading, closures, cards, free chips), and its labels.

    ``agenda_days`` as ``agenda(..., as_rows=True)`` gives them: appointments are ``AgendaRow`` values.

    Cards and chips are HTML, each column's joined in one string (every value escaped here, once per
    distinct value); headings and group sessions are values the template places.
    """
    now = timezone.now()
    day_url = reverse("appointments:day")
    create_url = escape(reverse("appointments:create"))
    # One reverse() per pattern, not per row.
    detail_url, group_url = Address("appointments:detail"), Address("appointments:group_detail")
    clock = _clock(escaped=False)  # the template escapes the groups' times
    times = _clock(escaped=True)
    detail_parts: tuple[str, str] | None = None
    statuses: dict = {}
    badges: dict = {}
    channels: dict = {}
    classes: dict = {}
    names: dict = {}
    rooms: dict = {}
    counselor_lines: dict = {}
    room_params: dict = {}
    first_visit = format_html(' <span class="badge text-bg-info" title="{}">{}</span>', _("First visit"), _("1st"))
    risk = format_html("<div>{}</div>", risk_badge())
    labels = {"reserved": _("Reserved for key students"), "free": _("Free"), "cancelled": _("cancelled")}
    reserved_title, free_title = escape(labels["reserved"]), escape(labels["free"])
    reserved_pill, free_pill = "text-bg-warning", "text-bg-light border"
    columns = []
    for number, agenda_day in enumerate(agenda_days, start=1):
        cards = []
        for appointment in agenda_day.appointments:
            student_id, room = appointment.student_id, appointment.room
            if detail_parts is None:
                # A row's id is digits: the address around it is escaped once, not per card.
                detail_url(appointment.pk)  # reverses the pattern once: its parts around the id
                detail_parts = (escape(detail_url.parts[0]), escape(detail_url.parts[1]))
            # Each distinct value is escaped once (the memos hold escaped text); every value below
            # is escaped text or escaped constant HTML, so the card is put together without escaping again.
            cards.append(
                CARD.format(
                    status=_once(statuses, appointment.status, escape, appointment.status),
                    url=f"{detail_parts[0]}{appointment.pk}{detail_parts[1]}",
                    starts=times(appointment.starts_at),
                    ends=times(appointment.ends_at),
                    badge=_once(badges, (appointment.status, appointment.starts_at <= now), status_badge, appointment),
                    student=_once(names, student_id, escape, appointment.student_name),
                    first_visit=first_visit if appointment.is_first_visit else "",
                    risk=risk if appointment.signals_risk else "",
                    school_class=_once(classes, _class_key(appointment), _school_class, appointment),
                    channel=_once(channels, appointment.channel, _channel, appointment),
                    room=_once(rooms, room, _after_dot, room) if room else "",
                    counselor=_once(counselor_lines, appointment.counselor_id, _after_dot, appointment.counselor_name)
                    if show_counselor
                    else "",
                )
            )
        groups = [
            {
                "url": group_url(session.pk),
                "starts": clock(session.starts_at),
                "ends": clock(session.ends_at),
                "title": session.title,
                "seats": _("Group · %(joined)s/%(capacity)s")
                % {"joined": session.joined, "capacity": session.capacity},
                "cancelled": session.is_cancelled,
            }
            for session in agenda_day.groups
        ]
        chips = []
        for slot in agenda_day.free:
            # quote() leaves only letters, digits and "_.-~/" of a room; a key is digits, "-", "T" and ":".
            room = _once(room_params, slot.room, quote, slot.room)
            chips.append(
                CHIP.format(
                    pill=reserved_pill if slot.reserved else free_pill,
                    href=f"{create_url}?start={slot.key}&amp;counselor={slot.counselor_id}&amp;room={room}",
                    title=reserved_title if slot.reserved else free_title,
                    time=times(slot.starts_at),
                    star=" ★" if slot.reserved else "",
                    counselor=f" {_once(names, slot.counselor_id, escape, slot.counselor)}" if show_counselor else "",
                )
            )
        day = agenda_day.day
        weekday, date = _day_heading(day)
        columns.append(
            {
                "number": number,
                "is_today": day == today,
                "url": f"{day_url}?date={day.isoformat()}&counselor={selected}",
                "weekday": weekday,
                "date": date,
                "closures": agenda_day.closures,
                "cards": mark_safe("".join(cards)),  # noqa: S308 - every value is escaped above
                "groups": groups,
                "chips": mark_safe("".join(chips)),  # noqa: S308 - every value is escaped above
                "empty": not (cards or groups or chips or agenda_day.closures),
            }
        )
    return columns, labels
