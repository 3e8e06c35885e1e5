"""Applying the retention periods: what would go (dry run), and removing it with an audit entry each.

Periods are set by the head counselor in the app (RetentionPolicy, one per registered kind);
a kind without a row uses its declared default. Each period counts from the kind's event
(entry written, case closed, student graduated, upload date). ``manage.py apply_retention``
and the monthly beat task call ``apply``.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from counseling.hooks import RetentionKind
from counseling.models import Term, User
from counseling.models.audit import AuditAction
from counseling.reports.models import ReportStatus, SemesterReport
from counseling.reports.services import build_report, request_report
from counseling.schoolyear.enums import RunStatus
from counseling.schoolyear.models import RetentionPolicy, RetentionRun
from counseling.schoolyear.registry import expired_records, retention_kinds
from counseling.services import audit

CHUNK = 200
# A run still marked running after this long died with its worker.
STALE_RUN = datetime.timedelta(hours=6)


class RetentionBusyError(Exception):
    """Another run is under way."""

    def __str__(self) -> str:
        return _("Another retention run is under way; try again later.")


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """``moment`` moved back by whole calendar months (31 March minus one month is 28/29 February)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass
class KindStatus:
    kind: RetentionKind
    months: int | None
    cutoff: datetime.datetime | None
    count: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.kind.key


def periods() -> dict[str, int | None]:
    """The period in months of every registered kind (policy row, else the kind's default)."""
    stored = dict(RetentionPolicy.objects.values_list("kind", "months"))
    return {kind.key: stored.get(kind.key, kind.default_months) for kind in retention_kinds()}


def status(now: datetime.datetime | None = None, *, lines: int = 0) -> list[KindStatus]:
    """For every kind: its period, its cutoff and how many records are due now (one count query each).

    With ``lines`` > 0, also up to that many one-line descriptions per kind (the dry run).
    """
    now = now or timezone.now()
    months_of = periods()
    result = []
    for kind in retention_kinds():
        months = months_of[kind.key]
        item = KindStatus(kind, months, months_before(now, months) if months is not None else None)
        if item.cutoff is not None:
            expired = expired_records(kind, item.cutoff)
            item.count = expired.count()
            if lines and item.count:
                item.lines = [kind.describe(obj) for obj in expired.order_by("pk")[:lines]]
        result.append(item)
    return result


def freeze_past_terms(now: datetime.datetime) -> int:
    """Give every ended term without a stored report one, before anything is removed.

    A past term's numbers are read from its stored report versions, which never change; this makes
    sure each past term has one. Returns how many were built.
    """
    built = 0
    ready = SemesterReport.objects.filter(status__in=[ReportStatus.DRAFT, ReportStatus.PUBLISHED]).values("term_id")
    for term in Term.objects.filter(end__lt=now.date()).exclude(pk__in=ready).order_by("start"):
        with transaction.atomic():
            report = request_report(term, None)
            # Built here, inside the transaction, so the task the commit queues finds nothing to do.
            build_report(report.pk)
        built += 1
    return built


def _start_run(now: datetime.datetime, trigger: str, by: User | None) -> RetentionRun:
    RetentionRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=now - STALE_RUN).update(
        status=RunStatus.FAILED, error="abandoned", finished_at=now
    )
    try:
        with transaction.atomic():
            return RetentionRun.objects.create(started_at=now, trigger=trigger, started_by=by)
    except IntegrityError as exc:
        raise RetentionBusyError from exc


def _remove_one(kind: RetentionKind, obj, months: int, by: User | None) -> None:
    action = AuditAction.ANONYMISE if kind.anonymises else AuditAction.DELETE
    suffix = kind.detail(obj)
    prefix = f"retention {kind.key} {months}m" + ("; " if suffix else "")
    # The kind's note goes last and is never cut: the audit kind's note is the removed entry's hash.
    audit.record(by, action, obj, student_id=kind.student_id(obj), detail=prefix[: 200 - len(suffix)] + suffix)
    kind.remove(obj)


def apply(*, trigger: str, by: User | None = None, now: datetime.datetime | None = None) -> RetentionRun:
    """Remove or anonymise every record past its period; returns the finished run.

    Side effects, in order: claims the one running slot (RetentionBusyError if another run holds it);
    builds a stored report for every ended term without one; then per kind, in chunks of
    ``CHUNK`` records each in its own transaction: an audit entry for the record (who: ``by`` or
    "system"; what: kind and period, never content), then the kind's removal; the run's counts
    are saved after every chunk. A failure marks the run failed and re-raises; chunks already
    committed stay done, and the next run picks up the rest.
    """
    now = now or timezone.now()
    run = _start_run(now, trigger, by)
    counts: dict[str, dict[str, int]] = {}
    try:
        due = [item for item in status(now) if item.count]
        if due:
            freeze_past_terms(now)
        for item in due:
            kind = item.kind
            action = "anonymised" if kind.anonymises else "deleted"
            pks = list(expired_records(kind, item.cutoff).order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), CHUNK):
                chunk = pks[start : start + CHUNK]
                with transaction.atomic():
                    done = 0
                    for obj in expired_records(kind, item.cutoff).filter(pk__in=chunk).order_by("pk"):
                        _remove_one(kind, obj, item.months, by)
                        done += 1
                counts.setdefault(kind.key, {}).setdefault(action, 0)
                counts[kind.key][action] += done
                RetentionRun.objects.filter(pk=run.pk).update(counts=counts)
    except Exception as exc:
        RetentionRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), counts=counts, error=type(exc).__name__
        )
        raise
    RetentionRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=timezone.now(), counts=counts)
    run.refresh_from_db()
    return run


def save_periods(months_of: dict[str, int | None], *, by: User, request=None) -> list[str]:
    """Store the head counselor's periods; returns the keys that changed (each audited)."""
    known = {kind.key: kind for kind in retention_kinds()}
    current = periods()
    changed = []
    with transaction.atomic():
        for key, months in months_of.items():
            if key not in known or current.get(key) == months:
                continue
            policy, _created = RetentionPolicy.objects.update_or_create(
                kind=key, defaults={"months": months, "updated_by": by}
            )
            audit.record(by, AuditAction.CHANGE, policy, request=request, detail=f"{key}: {months} months")
            changed.append(key)
    return changed


def dry_run_lines(limit: int = 0) -> list[str]:
    """What ``apply_retention --dry-run`` prints: per kind a summary line and one line per record
    (at most ``limit`` per kind, 0 = all), then the total."""
    lines, total = [], 0
    for item in status(lines=limit or 10**9):
        if item.months is None:
            lines.append(_("%(label)s [%(key)s]: no period set, kept") % {"label": item.kind.label, "key": item.key})
            continue
        values = {
            "label": item.kind.label,
            "key": item.key,
            "count": item.count,
            "months": item.months,
            "event": item.kind.event,
            "cutoff": formats.date_format(item.cutoff, "SHORT_DATE_FORMAT"),
        }
        if item.kind.anonymises:
            lines.append(
                _(
                    "%(label)s [%(key)s]: %(count)d would be anonymised (%(months)d months after %(event)s, before %(cutoff)s)"
                )
                % values
            )
        else:
            lines.append(
                _(
                    "%(label)s [%(key)s]: %(count)d would be deleted (%(months)d months after %(event)s, before %(cutoff)s)"
                )
                % values
            )
        lines.extend(f"  {line}" for line in item.lines)
        total += item.count
    lines.append(_("Dry run: %(count)d records would go. Nothing was changed.") % {"count": total})
    return lines


def run_lines(run: RetentionRun) -> list[str]:
    """What a finished run prints: per kind how many records were deleted or anonymised."""
    labels = {kind.key: kind.label for kind in retention_kinds()}
    lines = []
    for key, per_kind in run.counts.items():
        values = {"label": labels.get(key, key), "key": key, "count": sum(per_kind.values())}
        if "anonymised" in per_kind:
            lines.append(_("%(label)s [%(key)s]: %(count)d anonymised") % values)
        else:
            lines.append(_("%(label)s [%(key)s]: %(count)d deleted") % values)
    lines.append(_("Retention run #%(id)d done: %(count)d records.") % {"id": run.pk, "count": run.total})
    return lines
