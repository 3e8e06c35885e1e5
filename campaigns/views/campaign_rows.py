"""The campaign page's lists as ready-made HTML: its tasks, events, contests and required reports.

A campaign page shows some dozens of rows, each with links, dates, badges and labels. Made here
(one ``reverse()`` per URL pattern, each distinct date and label formatted once, every value
escaped by ``format_html``), the rows cost a fraction of what per-row ``{% url %}``, ``|date``,
``{% translate %}`` and ``{% csrf_token %}`` tags cost in the template; the HTML is the same.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import dateformat, formats, timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from campaigns.enums import PARENT_KINDS, ContestKind, EventKind, TaskStatus
from counseling.rows import Address, Clock, Once


def _labels(choices) -> Once:
    """A choice's label, escaped, as ``get_FOO_display`` shows it (an unknown value as itself)."""
    names = dict(choices)
    return Once(lambda value: escape(names.get(value, value)))


def _local(pattern: str) -> Once:
    """An aware datetime as ``|date:pattern`` (or ``|time:pattern``) shows it, in the current zone, escaped."""
    zone = timezone.get_current_timezone()
    formatted = formats.get_format(pattern)
    return Once(lambda moment: escape(dateformat.format(moment.astimezone(zone), formatted)))


@dataclass(frozen=True)
class Reader:
    """Who reads the page, as far as the rows differ by reader."""

    user_id: int
    office: bool
    is_organiser: bool
    csrf_token: Callable[[], str]


def _csrf_input(reader: Reader) -> str:
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', reader.csrf_token())


TASK = (
    '\n        <li class="list-group-item px-0 d-flex flex-wrap align-items-center gap-2">'
    '\n          <div class="me-auto">'
    '\n            <span class="{struck}">{title}</span>'
    '\n            <div class="small text-body-secondary">{owner} · {due} {due_date}'
    "\n              {overdue}"
    "\n            </div>"
    "\n          </div>"
    '\n          <span class="badge text-bg-light border">{status}</span>'
    "\n          {form}"
    "\n          {edit}"
    "\n        </li>"
)
TASK_FORM = '<form method="post" action="{action}" class="d-flex gap-1">{csrf}\n            {button}\n          </form>'


def task_items(tasks: Iterable[tuple], reader: Reader, today: datetime.date) -> SafeString:
    """The ``<li>`` of each task: ``(pk, title, status, due_date, owner_id, owner_name)`` rows, in order.

    Its owner or an organiser marks it done or reopens it; an organiser edits it.
    """
    status_url, edit_url = Address("campaigns:task_status"), Address("campaigns:task_edit")
    statuses = _labels(TaskStatus.choices)
    days = Once(lambda day: escape(formats.date_format(day)))
    due, overdue = (
        escape(pgettext("task", "due")),
        format_html('<span class="badge text-bg-danger">{}</span>', _("Overdue")),
    )
    done_button = format_html(
        '<button class="btn btn-sm btn-outline-success" name="status" value="done" type="submit">{}</button>',
        pgettext("mark", "Done"),
    )
    reopen_button = format_html(
        '<button class="btn btn-sm btn-outline-secondary" name="status" value="todo" type="submit">{}</button>',
        _("Reopen"),
    )
    edit = escape(_("Edit"))
    csrf = None
    items = []
    for pk, title, status, due_date, owner_id, owner_name in tasks:
        done = status == TaskStatus.DONE
        form = ""
        if owner_id == reader.user_id or reader.is_organiser:
            csrf = csrf or _csrf_input(reader)
            form = TASK_FORM.format(action=status_url(pk), csrf=csrf, button=reopen_button if done else done_button)
        items.append(
            TASK.format(
                struck="text-decoration-line-through text-body-secondary" if done else "",
                title=escape(title),
                owner=escape(owner_name),
                due=due,
                due_date=days[due_date],
                overdue=overdue if not done and due_date < today else "",
                status=statuses[status],
                form=form,
                edit=(
                    f'<a class="btn btn-sm btn-link" href="{edit_url(pk)}">{edit}</a>' if reader.is_organiser else ""
                ),
            )
        )
    return mark_safe("".join(items))  # noqa: S308 - every value is escaped above


EVENT = (
    "\n      <tr>"
    '\n        <td class="text-nowrap">{day}<br><span class="small text-body-secondary">{starts}–{ends}</span></td>'
    '\n        <td><span class="badge text-bg-light border">{kind}</span> {title}{office_only}</td>'
    "\n        <td>{venue}</td>"
    "\n        <td>{speaker}</td>"
    "\n        <td>{audience}</td>"
    '\n        <td class="text-nowrap">{registration}</td>'
    "\n        {edit}"
    "\n      </tr>"
)


@dataclass(frozen=True)
class EventRow:
    pk: int
    kind: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    venue: str | None
    speaker: str
    audience: str
    registration_required: bool
    capacity: int | None
    is_published: bool
    taken: int


def event_rows(events: Iterable[EventRow], reader: Reader) -> SafeString:
    """The ``<tr>`` of each event: when, what, where, who, for whom and its registrations (a link for the office)."""
    registrations_url, edit_url = Address("campaigns:event_registrations"), Address("campaigns:event_edit")
    families_url = Address("campaigns:family_event")
    families = escape(_("Families"))
    kinds = _labels(EventKind.choices)
    zone = timezone.get_current_timezone()
    # ``|date:"MONTH_DAY_FORMAT"`` and ``|date:"D"`` (the weekday) with a space between: one format per day.
    day_pattern = f"{formats.get_format('MONTH_DAY_FORMAT')} D"
    days = Once(lambda day: escape(dateformat.format(day, day_pattern)))
    times = Clock(escaped=True)
    numbers = Once(formats.localize)
    office_only = format_html(' <span class="badge text-bg-secondary">{}</span>', _("Office only"))
    edit = escape(_("Edit"))
    rows = []
    for event in events:
        registration = "—"
        if event.registration_required:
            registration = numbers[event.taken]
            if event.capacity:
                registration = f"{registration} / {numbers[event.capacity]}"
            if reader.office and event.kind not in PARENT_KINDS:
                registration = f'<a href="{registrations_url(event.pk)}">{registration}</a>'
        if reader.office and event.kind in PARENT_KINDS:
            # Parent classes: the families' page (registrations, attendance, materials, feedback).
            label = registration if event.registration_required else families
            registration = f'<a href="{families_url(event.pk)}">{label}</a>'
        # Dates and times as ``|date`` and ``|time`` show them: in the school's zone.
        rows.append(
            EVENT.format(
                day=days[event.starts_at.astimezone(zone).date()],
                starts=times(event.starts_at),
                ends=times(event.ends_at),
                kind=kinds[event.kind],
                title=escape(event.title),
                office_only="" if event.is_published else office_only,
                venue=escape(event.venue or "—"),
                speaker=escape(event.speaker or "—"),
                audience=escape(event.audience or "—"),
                registration=registration,
                edit=(
                    f'<td><a class="btn btn-sm btn-link" href="{edit_url(event.pk)}">{edit}</a></td>'
                    if reader.is_organiser
                    else ""
                ),
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped above


CONTEST = (
    '\n    <div class="card mb-2"><div class="card-body py-2">'
    '\n      <div class="d-flex flex-wrap gap-2 align-items-center">'
    '\n        <span class="badge text-bg-light border">{kind}</span>'
    "\n        {title}"
    "\n        {state}"
    "\n      </div>"
    '\n      <div class="small text-body-secondary">{deadline_label} {deadline} · {entries} · {classes}</div>'
    '\n      <div class="small text-body-secondary">{judges_label}: {judges}</div>'
    "\n    </div></div>"
)


@dataclass
class ContestRow:
    pk: int
    kind: str
    title: str
    deadline: datetime.datetime
    results_published_at: datetime.datetime | None
    entry_count: int
    class_count: int
    judge_names: list[str]
    is_judge: bool


def contest_cards(contests: list[ContestRow], reader: Reader, now: datetime.datetime) -> SafeString:
    """A card per contest: its state, deadline, entries, classes and judges; the office and its judges open it."""
    if not contests:
        return format_html('<p class="text-body-secondary">{}</p>', _("No contests."))
    contest_url = Address("campaigns:contest")
    kinds = _labels(ContestKind.choices)
    deadlines = _local("SHORT_DATETIME_FORMAT")
    numbers = Once(formats.localize)
    published = format_html('<span class="badge text-bg-success">{}</span>', _("Results published"))
    judging = format_html('<span class="badge text-bg-warning">{}</span>', _("Judging"))
    open_ = format_html('<span class="badge text-bg-info">{}</span>', pgettext("contest status", "Open"))
    deadline_label, judges_label, no_judges = escape(_("Deadline")), escape(_("Judges")), escape(_("none yet"))
    cards = []
    for contest in contests:
        title = escape(contest.title)
        if reader.office or contest.is_judge:
            title = f'<a class="fw-semibold" href="{contest_url(contest.pk)}">{title}</a>'
        else:
            title = f'<span class="fw-semibold">{title}</span>'
        if contest.results_published_at:
            state = published
        elif contest.deadline < now:
            state = judging
        else:
            state = open_
        cards.append(
            CONTEST.format(
                kind=kinds[contest.kind],
                title=title,
                state=state,
                deadline_label=deadline_label,
                deadline=deadlines[contest.deadline],
                entries=escape(
                    ngettext("%(counter)s entry", "%(counter)s entries", contest.entry_count)
                    % {"counter": numbers[contest.entry_count]}
                ),
                classes=escape(
                    ngettext("%(counter)s class", "%(counter)s classes", contest.class_count)
                    % {"counter": numbers[contest.class_count]}
                ),
                judges_label=judges_label,
                judges="、".join(escape(name) for name in contest.judge_names) or no_judges,
            )
        )
    return mark_safe("".join(cards))  # noqa: S308 - every value is escaped above


REPORT = (
    '\n    <div class="card mb-2"><div class="card-body py-2">'
    "\n      {title}"
    '\n      <div class="small text-body-secondary">{deadline_label} {deadline}{handed_in}</div>'
    "\n    </div></div>"
)


def report_cards(reports: Iterable[tuple], reader: Reader, expected: int | None) -> SafeString:
    """A card per required report, ``(pk, title, deadline, received)`` rows; the office sees how many classes handed it in."""
    reports = list(reports)
    if not reports:
        return format_html('<p class="text-body-secondary">{}</p>', _("No required reports."))
    report_url = Address("campaigns:report")
    deadlines = _local("SHORT_DATETIME_FORMAT")
    numbers = Once(formats.localize)
    deadline_label = escape(_("Deadline"))
    cards = []
    for pk, title, deadline, received in reports:
        handed_in = ""
        if reader.office:
            title = f'<a class="fw-semibold" href="{report_url(pk)}">{escape(title)}</a>'
            handed_in = " · " + escape(
                _("%(received)s of %(expected)s classes handed in")
                % {"received": numbers[received], "expected": numbers[expected]}
            )
        else:
            title = f'<span class="fw-semibold">{escape(title)}</span>'
        cards.append(
            REPORT.format(title=title, deadline_label=deadline_label, deadline=deadlines[deadline], handed_in=handed_in)
        )
    return mark_safe("".join(cards))  # noqa: S308 - every value is escaped above
