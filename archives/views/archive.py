"""The student archive (心理档案) for counselors and the head counselor: search, page, printable page."""

from __future__ import annotations

import datetime
from html import escape

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import dateformat, formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from archives import access
from archives.models import FocusEntry, FocusLevel, ScreeningWarning, WarningStatus
from archives.services import archive
from counseling.decorators import require_perm
from counseling.enums import Channel
from counseling.models import SchoolClass, User
from counseling.rows import Address
from counseling.services.audit import record_list
from counseling.validators import without_nul


@require_perm("archives.view_archive")
def archive_list(request: HttpRequest) -> HttpResponse:
    """Find a student by name, number or class. Flags show who is on the focus list or has an open
    warning the reader may open (both read through their doors)."""
    query = without_nul(request.GET.get("q"))[:50]
    class_id = request.GET.get("class", "")
    students = (
        access.students_for(request.user)
        .select_related("student_profile__school_class__grade")
        .annotate(
            on_focus=Exists(FocusEntry.objects.visible_to(request.user).active().filter(student=OuterRef("pk"))),
            open_warning=Exists(
                ScreeningWarning.objects.visible_to(request.user).open().filter(student=OuterRef("pk"))
            ),
        )
        .order_by(
            "student_profile__school_class__grade__level",
            "student_profile__school_class__number",
            "student_profile__student_number",
        )
    )
    if query:
        students = students.filter(Q(name__icontains=query) | Q(student_profile__student_number__icontains=query))
    if class_id.isdecimal():
        students = students.filter(student_profile__school_class_id=int(class_id))
    page = Paginator(students, 50).get_page(request.GET.get("page"))
    # The rows flag who is on the focus list or has an open warning: one entry naming them.
    record_list(request.user, User, [student.pk for student in page], request=request, detail="archive search")
    classes = SchoolClass.objects.active().select_related("grade")
    return render(
        request,
        "archives/archive_list.html",
        {"page": page, "query": query, "classes": classes, "class_id": class_id},
    )


@require_perm("archives.view_archive")
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = access.get_student_for(request.user, pk)
    context = archive.open_archive(student, viewer=request.user, request=request)
    return render(request, "archives/archive_detail.html", _with_rows(context, request.user))


@require_perm("archives.view_archive")
def archive_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable archive (browser print; the layout hides navigation). Audited as a print."""
    student = access.get_student_for(request.user, pk)
    context = archive.open_archive(student, viewer=request.user, request=request, printing=True)
    return render(request, "archives/archive_print.html", _with_rows(context, request.user))


def _with_rows(context: dict, user) -> dict:
    """``context`` with the archive's lists made into HTML, ready to print.

    Done here rather than with template loops (``{% url %}``, ``date`` filters, translated words
    and escapes per row): the addresses are reversed once and filled in per row, each day is
    formatted once, each word translated once, every value escaped with ``html.escape`` (what
    Django's ``escape`` does, without its lazy-string wrapper). The HTML is the templates' own.
    """
    pattern = formats.get_format("SHORT_DATE_FORMAT")
    days: dict[datetime.date, str] = {}

    def day(value: datetime.date) -> str:
        if value not in days:
            days[value] = escape(dateformat.format(value, pattern))
        return days[value]

    def moment(value: datetime.datetime) -> str:
        return day(timezone.localtime(value).date())

    critical = escape(_("critical item"))
    critical_badge = f' <span class="badge text-bg-danger">{critical}</span>'
    answers_word = escape(_("Answers"))
    answers = Address("archives:submission_detail")
    for history in context["histories"]:
        band_label = history.instrument.band_label
        rows = []
        for result in history.results:
            total = "—" if result.total is None else escape(formats.localize(result.total))
            band = escape((band_label(result.band) if result.band else "") or "—")
            rows.append(
                f"<tr{_DANGER if result.is_critical else ''}>"
                f"<td>{moment(result.submitted_at)}</td><td>{escape(result.screening__title)}</td>"
                f"<td>{total}</td><td>{band}{critical_badge if result.is_critical else ''}</td>"
                f'<td class="no-print"><a href="{answers(result.submission_id)}">{answers_word}</a></td></tr>\n'
            )
        history.rows = mark_safe("".join(rows))  # noqa: S308 - every value is escaped
    statuses = dict(WarningStatus.choices)
    warning_page = Address("archives:warning_detail")
    view_word = escape(_("View"))
    context["warning_items"] = mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f"<li>{moment(warning.created_at)} · {escape(warning.screening__title)} · "
            f"{escape(str(statuses.get(warning.status, warning.status)))}"
            f"{f' · {critical}' if warning.is_critical else ''} · "
            f"{escape(warning.counselor__name or warning.counselor__username or '')} "
            f'<a class="no-print" href="{warning_page(warning.pk)}">{view_word}</a></li>'
            for warning in context["warnings"]
        )
    )
    facts = context["facts"]
    context["contact_days"] = mark_safe(", ".join(day(held_on) for held_on in facts["contact_dates"]))  # noqa: S308
    context["referral_items"] = mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f"<li>{day(referral['date'])} · {escape(referral['institution'])} · {escape(referral['status'])}</li>"
            for referral in facts["referrals"]
        )
    )
    context["focus_items"] = _focus_items(context, user, day, moment)
    if context["active_focus"] is not None:
        level = context["active_focus"].level
        context["active_focus_level"] = dict(FocusLevel.choices).get(level, level)
    context["log_items"] = _log_items(context["logs"], day)
    return context


def _focus_items(context: dict, user, day, moment) -> SafeString:
    """The focus entries, each with its reviews, as ``_archive_body.html`` printed them."""
    levels = dict(FocusLevel.choices)
    english = (get_language() or "").startswith("en")
    may_manage = user.has_perm("archives.manage_focus_list")
    edit_page, review_page = Address("archives:focus_edit"), Address("archives:focus_review")
    now, edit, review_word = escape(_("now")), escape(_("Edit")), escape(_("Review"))
    asked = escape(_("Asked of the class teacher"))
    removed = escape(_("removed from the list"))
    out = []
    for entry in context["focus_entries"]:
        active = entry.ended_at is None
        category = entry.category__name_en if english else entry.category__name_zh
        out.append(
            f'<div class="border rounded p-2 mb-2{" border-warning" if active else ""}">\n'
            f"<div><strong>{escape(str(levels.get(entry.level, entry.level)))}</strong> · {escape(category)} · "
            f"{moment(entry.started_at)} – {now if active else moment(entry.ended_at)}\n"
        )
        if active and may_manage:
            out.append(
                f'<span class="no-print"> · <a href="{edit_page(entry.pk)}">{edit}</a> · '
                f'<a href="{review_page(entry.pk)}">{review_word}</a></span>'
            )
        out.append("\n</div>\n")
        if entry.teacher_request:
            out.append(f'<div class="small">{asked}: {escape(entry.teacher_request)}</div>\n')
        if entry.note:
            out.append(f'<div class="small text-pre">{escape(entry.note)}</div>\n')
        reviews = context["reviews"][entry.pk]
        if reviews:
            out.append('<ul class="small mb-0">')
            for _entry, reviewed_at, level_after, ended, note, name, username in reviews:
                outcome = removed if ended else escape(str(levels.get(level_after, level_after)))
                out.append(
                    f"<li>{moment(reviewed_at)} {escape(name or username or '')}: {outcome}"
                    f"{f' — {escape(note)}' if note else ''}</li>"
                )
            out.append("</ul>\n")
        out.append("</div>\n")
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped


def _log_items(logs: list, day) -> SafeString:
    """The class teacher's log entries, as ``_archive_body.html`` printed them."""
    channels = dict(Channel.choices)
    concern = f' <span class="badge text-bg-danger">{escape(_("Marked as a concern"))}</span>'
    classes: dict[tuple[str, int], str] = {}
    out = []
    for log in logs:
        key = (log.school_class__grade__name, log.school_class__number)
        if key not in classes:
            classes[key] = escape(SchoolClass.label(*key))
        out.append(
            f'<div class="border-start border-3 ps-2 mb-2"><div class="small text-body-secondary">'
            f"{day(log.date)} · {escape(log.teacher__name or log.teacher__username)} · {classes[key]} · "
            f"{escape(str(channels.get(log.channel, log.channel)))}{concern if log.is_concern else ''}</div>"
            f'<div class="text-pre">{escape(log.text)}</div></div>\n'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped


_DANGER = ' class="table-danger"'
