"""The case list, opening a case, the case page, changing, printing, exporting, its audit history."""

from __future__ import annotations

import csv
import datetime
import functools
from html import escape

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import TruncDate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from counseling import prepared
from counseling.cases.enums import CaseStatus, FollowUpStatus, RiskLevel
from counseling.cases.forms import CaseForm, OpenCaseForm, StudentSearchForm
from counseling.cases.models import Case, FollowUp, Intake, RiskSignal, SessionNote
from counseling.cases.services import (
    CaseAlreadyOpenError,
    GuardianContactMissingError,
    RiskFloorError,
    colleague_holding,
    open_case,
    update_case,
)
from counseling.cases.services.access import get_case_for
from counseling.cases.services.notes import can_sign
from counseling.cases.services.signals import open_signal_floor
from counseling.cases.services.trail import case_history
from counseling.cases.templatetags.cases_tags import risk_badge
from counseling.decorators import require_perm
from counseling.enums import ClientKind
from counseling.models import SchoolClass, User
from counseling.models.audit import AuditAction
from counseling.roles import teachers, users_with_perm
from counseling.rows import Address
from counseling.validators import without_nul

from .common import audit_list, audit_read, form_page

PAGE_SIZE = 30


def _case_list_filters(request: HttpRequest) -> tuple[str, str, str, int | None]:
    """The list's filters as asked: the status ("active", "all" or a status), the search text,
    the counselor as given, and the counselor's id when the filter applies (the head counselor's)."""
    status = request.GET.get("status", "active")
    query = without_nul(request.GET.get("q"))[:50]
    counselor = request.GET.get("counselor") or ""
    counselor_id = None
    if counselor.isdecimal() and request.user.has_perm("cases.view_all_cases"):
        counselor_id = int(counselor)
    return status, query, counselor, counselor_id


def _status_form(status: str) -> str:
    """How the status filter shapes the query: "active" (not closed), "one" status, or "all"."""
    if status == "active":
        return "active"
    return "one" if status in CaseStatus.values else "all"


def _listed_cases(user, status_form: str, status: str = "", query: str = "", counselor_id: int | None = None):
    """The cases the list (and its CSV) shows, filtered as asked; ``last_session`` and
    ``next_follow_up`` annotated. The callers choose the columns.

    What the filters do to the query's form is decided by ``status_form``, whether ``query`` is
    given and whether ``counselor_id`` is None, never by the values themselves (``case_list``
    runs it through counseling.prepared)."""
    cases = (
        Case.objects.visible_to(user)
        # Subqueries, not aggregates over joins: no GROUP BY over every selected column, which
        # made PostgreSQL spend longer planning the list than running it.
        .annotate(
            last_session=Subquery(
                SessionNote.objects.filter(case=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
            ),
            next_follow_up=Subquery(
                FollowUp.objects.filter(case=OuterRef("pk"), status=FollowUpStatus.DUE)
                .order_by("due_on")
                .values("due_on")[:1]
            ),
        )
        # The cases you worked on last come first; new cases without a session follow.
        .order_by(F("last_session").desc(nulls_last=True), "-opened_at", "-id")
    )
    if status_form == "active":
        cases = cases.active()
    elif status_form == "one":
        cases = cases.filter(status=status)
    if query:
        cases = cases.filter(
            Q(student__name__icontains=query) | Q(student__student_profile__student_number__startswith=query)
        )
    if counselor_id is not None:
        cases = cases.filter(counselor_id=counselor_id)
    return cases


def _case_list_queryset(request: HttpRequest):
    """The cases the list (and its CSV) shows, filtered as asked (see ``_listed_cases``)."""
    status, query, counselor, counselor_id = _case_list_filters(request)
    cases = _listed_cases(request.user, _status_form(status), status, query, counselor_id)
    return cases, status, query, counselor


# The first pages of the list are read through counseling.prepared (a page's offset is part of
# the query's form: the pages further on, rarely opened, are built as usual and not kept).
_PREPARED_PAGES = 3


@require_perm("cases.view_cases")
def case_list(request: HttpRequest) -> HttpResponse:
    """Your cases (the head counselor: everyone's), filtered by status, student or counselor."""
    user = request.user
    status, query, counselor, counselor_id = _case_list_filters(request)
    status_form = _status_form(status)
    see_all = user.has_perm("cases.view_all_cases")

    def listed():
        # The day a case opened, in the active time zone (what the template's date filter showed).
        return (
            _listed_cases(user, status_form, status, query, counselor_id)
            .annotate(opened_on=TruncDate("opened_at"))
            .values(*_LIST_COLUMNS)
        )

    fetch = None
    if not query:
        # A search's pattern ("%text%") is made from the text inside the lookup: searches go the usual way.
        values: dict = {"user": user}
        if status_form == "one":
            values["status"] = status
        if counselor_id is not None:
            values["counselor_id"] = counselor_id

        def fetch(start: int) -> list[dict]:
            return prepared.rows(
                "cases.list.rows",
                lambda user, status="", counselor_id=None: _with_total(
                    _listed_cases(user, status_form, status, "", counselor_id)
                    .annotate(opened_on=TruncDate("opened_at"))
                    .values(*_LIST_COLUMNS),
                    start,
                ),
                shape=(
                    Case.objects.scope_of(user),
                    status_form,
                    counselor_id is not None,
                    timezone.get_current_timezone_name(),  # TruncDate's zone is a constant of the SQL
                    start,
                ),
                **values,
            )

    page = _page_with_total(listed, request.GET.get("page"), fetch)
    audit_list(request, Case, [case["student_id"] for case in page], "case list")
    rows = _case_rows(page.object_list, see_all=see_all)
    context = {
        "page": page,
        "rows": rows,
        "table_body": mark_safe("".join(rows)),  # noqa: S308 - every value is escaped in _case_rows
        "see_all": see_all,
        "status": status,
        "query": query,
        "counselor": counselor,
        "statuses": CaseStatus.choices,
        "counselors": list(users_with_perm("cases.view_cases").order_by("pk")) if see_all else [],
    }
    return render(request, "cases/case_list.html", context)


def _with_total(rows, start: int):
    """The page of ``rows`` (a ``values()`` queryset) from ``start``, each row with the total (``COUNT(*) OVER ()``)."""
    return rows.annotate(_total=Window(Count("pk")))[start : start + PAGE_SIZE]


def _page_with_total(rows, number, fetch=None) -> Page:
    """The page ``number`` of ``rows()`` (a function making a ``values()`` queryset), as
    ``Paginator.get_page`` gives it, with one query instead of two: the total comes with the
    page's rows (``COUNT(*) OVER ()``). A page past the end (or none) has no row to carry the
    total and goes the usual way. ``fetch(start)``, when given, reads the first pages' rows
    with their total (the same rows as ``_with_total(rows(), start)``)."""
    try:
        wanted = int(number or 1)
    except (TypeError, ValueError):
        wanted = 0  # not a page number: the paginator's answer, whatever it is
    if wanted < 1:
        return Paginator(rows(), PAGE_SIZE).get_page(number)
    start = (wanted - 1) * PAGE_SIZE
    prepared_page = fetch is not None and wanted <= _PREPARED_PAGES
    found = fetch(start) if prepared_page else list(_with_total(rows(), start))
    if not found and wanted > 1:
        return Paginator(rows(), PAGE_SIZE).get_page(number)
    paginator = Paginator((), PAGE_SIZE)
    paginator.count = found[0]["_total"] if found else 0
    page = paginator.page(wanted)
    page.object_list = found
    return page


# What a row of the case list shows: plain values, no model instances (the list's cost was
# building ~180 of them a page, and the SQL compiler's work grows with every selected column).
_LIST_COLUMNS = (
    "pk",
    "student_id",
    "student__name",
    "student__username",
    "student__student_profile__school_class__number",
    "student__student_profile__school_class__grade__name",
    "counselor__name",
    "counselor__username",
    "client_kind",
    "source",
    "risk_level",
    "status",
    "opened_on",
    "last_session",
    "next_follow_up",
)


def _case_rows(cases, *, see_all: bool) -> list[str]:
    """The rows of the case list as the template's loop printed them (``<tr>`` and its cells), one
    string a row, every value escaped.

    Done here rather than with a loop of a dozen ``{{ }}`` per row in the template (each looked
    up, localised and escaped by the template engine), a ``{% url %}``, three ``date`` filters, a
    badge tag and three choice labels: the address is reversed once and filled in per row, and
    labels, class names, badges and dates are made and escaped once per distinct value. Escaping
    is ``html.escape``, what Django's ``escape`` does, without its lazy-string wrapper.
    """
    cases = list(cases)
    categories = _category_names([case["pk"] for case in cases])
    detail_url = Address("cases:detail")
    sources = _Labels(Case._meta.get_field("source"))
    statuses = _Labels(Case._meta.get_field("status"))
    risk_labels = _Labels(Case._meta.get_field("risk_level"))
    risks: dict[str, str] = {}
    classes: dict[tuple, str] = {}
    dates: dict[datetime.date | None, str] = {None: "—"}
    language, date_pattern = get_language(), formats.get_format("SHORT_DATE_FORMAT")
    teacher = escape(str(ClientKind.TEACHER.label))
    rows = []
    for case in cases:
        level = case["risk_level"]
        if level not in risks:
            risks[level] = risk_badge(level, risk_labels[level])  # a safe string: printed as it is
        if case["client_kind"] == ClientKind.STUDENT:
            class_key = (
                case["student__student_profile__school_class__grade__name"],
                case["student__student_profile__school_class__number"],
            )
            if class_key not in classes:
                # A student without a profile shows no class, as before.
                classes[class_key] = "" if class_key[1] is None else escape(SchoolClass.label(*class_key))
            school_class = classes[class_key]
        else:
            school_class = teacher  # a teacher has no class: the column says who the client is instead
        opened_on, last_session, next_follow_up = case["opened_on"], case["last_session"], case["next_follow_up"]
        for day in (opened_on, last_session, next_follow_up):
            if day not in dates:
                dates[day] = _short_date(language, date_pattern, day)
        counselor = f"<td>{escape(case['counselor__name'] or case['counselor__username'])}</td>" if see_all else ""
        rows.append(
            f'\n    <tr>\n      <td><a href="{escape(detail_url(case["pk"]))}">{escape(Case.format_number(case["pk"]))}</a></td>'
            f"\n      <td>{escape(case['student__name'] or case['student__username'])}</td>"
            f'\n      <td class="small">{school_class}</td>'
            f"\n      {counselor}"
            f'\n      <td class="small">{escape(sources[case["source"]])}</td>'
            f"\n      <td>{risks[level]}</td>"
            f"\n      <td>{escape(statuses[case['status']])}</td>"
            f'\n      <td class="small">{escape(categories.get(case["pk"], ""))}</td>'
            f'\n      <td class="small">{dates[opened_on]}</td>'
            f'\n      <td class="small">{dates[last_session]}</td>'
            f'\n      <td class="small">{dates[next_follow_up]}</td>'
            "\n    </tr>\n  "
        )
    return rows


@functools.lru_cache(maxsize=4096)
def _short_date(language: str | None, pattern: str, day: datetime.date) -> str:
    """``day`` as the ``date`` filter prints it with ``pattern`` in ``language`` (the active one), escaped.

    Kept across requests: a day's text depends only on these three (no time zone: it is a date),
    and formatting one costs more than the rest of its row. Nothing else of a case is kept."""
    return escape(dateformat.format(day, pattern))


class _Labels(dict):
    """A choice field's labels in the active language, each translated once: ``labels[value]``."""

    def __init__(self, field) -> None:
        super().__init__()
        self.choices = dict(field.flatchoices)

    def __missing__(self, value):
        label = self[value] = str(self.choices.get(value, value))
        return label


def _category_names(case_ids: list[int]) -> dict[int, str]:
    """The concern categories of these cases as the list prints them: "a, b" in the category order,
    named in the active language (as ``ConcernCategory.__str__``)."""
    column = "concerncategory__name_en" if (get_language() or "").startswith("en") else "concerncategory__name_zh"
    names: dict[int, list[str]] = {}
    if not case_ids:
        return {}
    links = prepared.rows(
        "cases.list.categories",
        lambda case_ids: (
            Case.categories.through.objects.filter(case_id__in=case_ids)
            .order_by("concerncategory__order", "concerncategory_id")
            .values_list("case_id", column)
        ),
        shape=(column,),
        case_ids=case_ids,
    )
    for case_id, name in links:
        names.setdefault(case_id, []).append(name)
    return {case_id: ", ".join(case_names) for case_id, case_names in names.items()}


@require_perm("cases.view_cases")
@transaction.atomic
def case_export(request: HttpRequest) -> HttpResponse:
    """The listed cases as CSV (no content: numbers, names, dates, statuses); each case exported is audited."""
    cases, *_rest = _case_list_queryset(request)
    cases = cases.select_related("student__student_profile__school_class__grade", "counselor")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cases.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Case"),
            _("Student"),
            _("Student number"),
            _("Counselor"),
            _("Source"),
            _("Risk level"),
            _("Status"),
            _("Opened"),
            _("Closed"),
        ]
    )
    for case in cases:
        profile = getattr(case.student, "student_profile", None)
        writer.writerow(
            [
                case.number,
                _csv_safe(case.student.get_full_name()),
                profile.student_number if profile else "",
                _csv_safe(case.counselor.get_full_name()),
                case.get_source_display(),
                case.get_risk_level_display(),
                case.get_status_display(),
                timezone.localtime(case.opened_at).date().isoformat(),
                timezone.localtime(case.closed_at).date().isoformat() if case.closed_at else "",
            ]
        )
        audit_read(request, case, AuditAction.EXPORT, detail="case list CSV")
    return response


def _csv_safe(text: str) -> str:
    """Keep spreadsheet programs from running a name as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _case_clients():
    """Whom a case may be for: a student, or a teacher who asks the office for help (a guardian
    has consultations, not a case: a family's matter is recorded in the child's case, if any)."""
    return User.objects.filter(is_active=True).filter(
        Q(student_profile__isnull=False) | Q(pk__in=teachers().values("pk"))
    )


@require_perm("cases.view_cases")
def case_open(request: HttpRequest) -> HttpResponse:
    """Find a student or a teacher, see whether a colleague already follows them, and open a case you hold."""
    user = request.user
    student_id = request.GET.get("student") or request.POST.get("student") or ""
    if not student_id.isdecimal():
        search = StudentSearchForm(request.GET or None)
        results = []
        if search.is_valid() and search.cleaned_data["q"]:
            query = search.cleaned_data["q"].strip()
            holder = Case.objects.active().filter(student=OuterRef("pk"))
            results = (
                _case_clients()
                .filter(Q(name__icontains=query) | Q(student_profile__student_number__startswith=query))
                .select_related("student_profile__school_class__grade")
                .annotate(
                    holder_name=Subquery(holder.values("counselor__name")[:1]),
                    holder_id=Subquery(holder.values("counselor_id")[:1]),
                )
                .order_by("student_profile__student_number")[:20]
            )
            # The results say who already has a case with whom.
            audit_list(request, Case, [student.pk for student in results], "open a case: search")
        return render(request, "cases/case_open_search.html", {"search": search, "results": results})

    student = get_object_or_404(_case_clients(), pk=int(student_id))
    holder = colleague_holding(student)
    form = OpenCaseForm(request.POST or None)
    if holder is None and request.method == "POST" and form.is_valid():
        case = open_case(
            student=student,
            counselor=user,
            source=form.cleaned_data["source"],
            opened_by=user,
            request=request,
            categories=form.cleaned_data["categories"],
            risk_level=form.cleaned_data["risk_level"],
        )
        if case.counselor_id != user.pk:
            messages.error(request, _("A colleague opened a case for this student a moment ago."))
            return redirect(f"{reverse('cases:case_open')}?student={student.pk}")
        messages.success(request, _("The case is open."))
        if case.is_high_risk:
            messages.warning(request, _notified(case))
        return redirect("cases:detail", pk=case.pk)
    own_case = None
    if holder is not None and holder.pk == user.pk:
        own_case = Case.objects.visible_to(user).active().filter(student=student).first()
    return form_page(
        request,
        title=_("Open a case for %(student)s") % {"student": student.get_full_name()},
        form=form if holder is None else None,
        back_url=reverse("cases:case_open"),
        student=student,
        holder=holder,
        own_case=own_case,
    )


def _notified(case: Case) -> str:
    """Who was told of a case's high risk: a teacher's crisis stays with the head counselor."""
    if case.is_teacher_case:
        return _("The head counselor has been notified.")
    return _("The head counselor and the school leaders have been notified.")


@require_perm("cases.view_cases")
@transaction.atomic
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The case page: facts, plan, follow-ups, notes (metadata only), referrals, crises, history."""
    case = get_case_for(request.user, pk)
    audit_read(request, case)
    notes = list(
        case.notes.select_related("author", "signed_by", "cosigned_by")
        .defer("content", "analysis", "next_steps")
        .order_by("-held_on", "-id")
    )
    for note in notes:
        note.can_sign = can_sign(note, request.user)
    context = {
        "case": case,
        "intake": Intake.objects.filter(case=case).defer("narrative").first(),
        "goals": case.goals.all(),
        "follow_ups": case.follow_ups.order_by("status", "due_on"),
        "notes": notes,
        "referrals": case.referrals.defer("reason", "outcome").all(),
        "escalations": case.escalations.defer("narrative").select_related("acknowledged_by", "raised_by"),
        "handovers": case.handovers.select_related("from_counselor", "to_counselor", "handed_over_by"),
        "categories": case.categories.all(),
        "today": timezone.localdate(),
        # The student's risk signals (through the triage door), newest first, and why the risk
        # was set below what open ones asked.
        "signals": RiskSignal.objects.visible_to(request.user)
        .filter(student_id=case.student_id)
        .select_related("handled_by")
        .defer("dismiss_reason"),
        "signal_floor": open_signal_floor(case),
        "risk_lowerings": case.risk_lowerings.select_related("by"),
    }
    return render(request, "cases/case_detail.html", context)


@require_perm("cases.view_cases")
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change categories, risk level and status; raising the risk to high or imminent escalates.

    A case with a crisis closes only once every escalation has its guardian contact on record.
    The risk goes below what the student's open risk signals ask only with a reason.
    """
    case = get_case_for(request.user, pk)
    initial = {"categories": case.categories.all(), "risk_level": case.risk_level, "status": case.status}
    form = CaseForm(request.POST or None, initial=initial, floor=open_signal_floor(case))
    unsettled = []
    if request.method == "POST" and form.is_valid():
        try:
            changed = update_case(case, by=request.user, request=request, **form.cleaned_data)
        except RiskFloorError as exc:
            form.add_error(
                None,
                _("A risk signal arrived meanwhile: its level asks for at least “%(level)s”. Check the risk again.")
                % {"level": RiskLevel(exc.floor).label},
            )
        except CaseAlreadyOpenError:
            form.add_error("status", _("This student has another open case; it cannot be reopened."))
        except GuardianContactMissingError as exc:
            unsettled = exc.escalations
            form.add_error(
                "status",
                _(
                    "A crisis of this case has no guardian contact on record. Record when the guardian was contacted, by whom and the outcome, or why the guardian was not contacted, before closing the case."
                ),
            )
        else:
            if changed:
                messages.success(request, _("The case was saved."))
            if "risk_level" in changed and case.is_high_risk:
                messages.warning(request, _notified(case))
            risky = [c for c in form.cleaned_data["categories"] if c.signals_risk]
            if risky and not case.is_high_risk:
                messages.warning(
                    request,
                    _(
                        "You chose a category that signals risk. If the student is at risk, raise the risk level or record a crisis event."
                    ),
                )
            return redirect("cases:detail", pk=case.pk)
    return form_page(
        request,
        title=_("Change the case"),
        form=form,
        back_url=reverse("cases:detail", args=[case.pk]),
        case=case,
        unsettled=unsettled,
        status=400 if unsettled else 200,
    )


@require_perm("cases.view_cases")
@transaction.atomic
def case_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole record on paper; every object printed is audited."""
    case = get_case_for(request.user, pk)
    intake = Intake.objects.filter(case=case).select_related("author").first()
    notes = list(
        case.notes.select_related("author", "signed_by", "cosigned_by")
        .prefetch_related("addenda__author")
        .order_by("held_on", "id")
    )
    referrals = list(case.referrals.all())
    escalations = list(case.escalations.select_related("raised_by", "acknowledged_by"))
    audit_read(request, case, AuditAction.PRINT)
    for obj in [intake, *notes, *referrals, *escalations]:
        if obj is not None:
            audit_read(request, obj, AuditAction.PRINT)
    context = {
        "case": case,
        "intake": intake,
        "notes": notes,
        "referrals": referrals,
        "escalations": escalations,
        "goals": case.goals.all(),
        "follow_ups": case.follow_ups.all(),
        "handovers": case.handovers.select_related("from_counselor", "to_counselor", "handed_over_by"),
        "printed_at": timezone.now(),
    }
    return render(request, "cases/case_print.html", context)


@require_perm("cases.read_audit")
@transaction.atomic
def case_audit(request: HttpRequest, pk: int) -> HttpResponse:
    """Who read or changed this case and its records, when and from where (head counselor)."""
    case = get_case_for(request.user, pk)
    audit_read(request, case, detail="audit history")
    page = Paginator(case_history(case), 100).get_page(request.GET.get("page"))
    return render(request, "cases/case_audit.html", {"case": case, "page": page})
