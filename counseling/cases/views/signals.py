"""Triage of risk signals: the open ones by severity and age, one block per student; one signal's
page with what to do about it (acknowledge, open or link a case, raise a crisis, dismiss).

Every signal is reached through ``RiskSignal.objects.visible_to`` (``get_signal_for``); reading
one is audited. The actions are the services of ``counseling.cases.services.signals``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counseling.cases.enums import Severity, SignalStatus
from counseling.cases.forms import SignalDismissForm
from counseling.cases.models import Escalation, RiskSignal
from counseling.cases.services import signals as triage
from counseling.cases.services.access import get_signal_for
from counseling.cases.services.cases import colleague_holding
from counseling.decorators import require_perm

from .common import audit_list, audit_read

# More open signals than this at once is an emergency of its own; the page says so.
OPEN_LIMIT = 300
PAGE_SIZE = 50

# Most severe first: crisis, urgent, watch.
SEVERITY_RANK = models.Case(
    models.When(severity=Severity.CRISIS, then=models.Value(0)),
    models.When(severity=Severity.URGENT, then=models.Value(1)),
    default=models.Value(2),
    output_field=models.IntegerField(),
)
LIST_RELATED = ("student__student_profile__school_class__grade", "school_class__grade", "counselor", "case")


@dataclass
class Block:
    """The open signals of one student, or of one anonymous source (a class, a screening)."""

    student: object | None
    school_class: object | None
    source_label: str
    source_url: str
    signals: list = field(default_factory=list)
    case_visible: bool = False

    @property
    def case(self):
        """The case the student's signals are linked to (the first one linked, most severe first)."""
        return next((signal.case for signal in self.signals if signal.case_id), None)


def _block_key(signal: RiskSignal) -> tuple:
    if signal.student_id is not None:
        return ("student", signal.student_id)
    return ("anonymous", signal.source, signal.school_class_id, signal.source_url)


def blocks_of(signals) -> list[Block]:
    """Group signals (already in triage order) per student, anonymous ones per source and class;
    a block comes where its most pressing signal comes."""
    blocks: dict[tuple, Block] = {}
    for signal in signals:
        key = _block_key(signal)
        if key not in blocks:
            blocks[key] = Block(
                student=signal.student,
                school_class=signal.school_class,
                source_label=signal.get_source_display(),
                source_url=signal.source_url,
            )
        blocks[key].signals.append(signal)
    return list(blocks.values())


def may_open_case(user, case) -> bool:
    """Whether to link a case: its holder and the head counselor may open it (no query)."""
    return case is not None and (case.counselor_id == user.pk or user.has_perm("cases.view_all_cases"))


@require_perm("cases.triage_signals")
def triage_list(request: HttpRequest) -> HttpResponse:
    """Open signals, crisis then urgent then watch, the oldest first, one block per student; or the
    handled ones, the most recently handled first."""
    show = "handled" if request.GET.get("show") == "handled" else "open"
    signals = RiskSignal.objects.visible_to(request.user).defer("dismiss_reason")
    context: dict = {"show": show}
    if show == "open":
        rows = list(
            signals.open()
            .select_related(*LIST_RELATED)
            .annotate(rank=SEVERITY_RANK)
            .order_by("rank", "raised_at", "id")[: OPEN_LIMIT + 1]
        )
        audit_list(request, RiskSignal, [signal.student_id for signal in rows[:OPEN_LIMIT]], "signal triage")
        blocks = blocks_of(rows[:OPEN_LIMIT])
        for block in blocks:
            block.case_visible = may_open_case(request.user, block.case)
        context.update(blocks=blocks, truncated=len(rows) > OPEN_LIMIT, limit=OPEN_LIMIT)
    else:
        handled = (
            signals.exclude(status=SignalStatus.OPEN)
            .select_related(*LIST_RELATED, "handled_by")
            .order_by("-handled_at", "-id")
        )
        context["page"] = Paginator(handled, PAGE_SIZE).get_page(request.GET.get("page"))
        audit_list(request, RiskSignal, [signal.student_id for signal in context["page"]], "signal triage: handled")
    return render(request, "cases/triage.html", context)


def _render_detail(request: HttpRequest, signal: RiskSignal, dismiss_form: SignalDismissForm) -> HttpResponse:
    """The signal's page (audited: who read which signal, when)."""
    audit_read(request, signal)
    user = request.user
    others = []
    holder = None
    if signal.student_id is not None:
        others = list(
            RiskSignal.objects.visible_to(user)
            .filter(student_id=signal.student_id)
            .exclude(pk=signal.pk)
            .defer("dismiss_reason")
            .order_by("-raised_at", "-id")[:20]
        )
        holder = colleague_holding(signal.student)
    escalation_visible = (
        signal.escalation_id is not None
        and Escalation.objects.visible_to(user).filter(pk=signal.escalation_id).exists()
    )
    context = {
        "signal": signal,
        "others": others,
        "holder": holder,
        "case_visible": may_open_case(user, signal.case),
        "escalation_visible": escalation_visible,
        "dismiss_form": dismiss_form,
    }
    return render(request, "cases/signal_detail.html", context)


def _dismiss_form(signal: RiskSignal, data=None) -> SignalDismissForm:
    return SignalDismissForm(data, action=reverse("cases:signal_dismiss", args=[signal.pk]))


@require_perm("cases.triage_signals")
@transaction.atomic
def signal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One signal: where it came from, why (a neutral reason), who answers for it, what was done."""
    signal = get_signal_for(request.user, pk)
    return _render_detail(request, signal, _dismiss_form(signal))


@require_perm("cases.triage_signals")
@require_POST
def signal_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    signal = get_signal_for(request.user, pk)
    if triage.acknowledge(signal, by=request.user, request=request):
        messages.success(request, _("You acknowledged the signal. Reminders stop."))
    else:
        messages.info(request, _("This signal was already handled."))
    return redirect("cases:signal_detail", pk=signal.pk)


@require_perm("cases.triage_signals")
@require_POST
def signal_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    signal = get_signal_for(request.user, pk)
    form = _dismiss_form(signal, request.POST)
    if not form.is_valid():
        with transaction.atomic():
            return _render_detail(request, signal, form)
    try:
        done = triage.dismiss(signal, by=request.user, reason=form.cleaned_data["reason"], request=request)
    except triage.SignalError as error:
        messages.error(request, error.message)
    else:
        if done:
            messages.success(request, _("The signal is dismissed."))
        else:
            messages.info(request, _("This signal was already handled."))
    return redirect("cases:signal_detail", pk=signal.pk)


@require_perm("cases.triage_signals")
@require_POST
def signal_open_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a case you hold for the student, or link the signal to the open case they have."""
    signal = get_signal_for(request.user, pk)
    try:
        case = triage.open_case_for(signal, by=request.user, request=request)
    except triage.SignalError as error:
        messages.error(request, error.message)
        return redirect("cases:signal_detail", pk=signal.pk)
    if may_open_case(request.user, case):
        messages.success(request, _("The signal is linked to the case."))
        return redirect("cases:detail", pk=case.pk)
    messages.info(
        request,
        _("The student is already followed by %(name)s; the signal is linked to that case.")
        % {"name": case.counselor.get_full_name()},
    )
    return redirect("cases:signal_detail", pk=signal.pk)


@require_perm("cases.triage_signals")
@require_POST
def signal_crisis(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the crisis path from the signal: the student's case and an escalation to the leaders."""
    signal = get_signal_for(request.user, pk)
    try:
        escalation = triage.raise_crisis(signal, by=request.user, request=request)
    except triage.SignalError as error:
        messages.error(request, error.message)
        return redirect("cases:signal_detail", pk=signal.pk)
    messages.warning(request, _("The crisis path has started: the head counselor and the school leaders are notified."))
    if Escalation.objects.visible_to(request.user).filter(pk=escalation.pk).exists():
        return redirect("cases:crisis_detail", pk=escalation.pk)
    return redirect("cases:signal_detail", pk=signal.pk)
