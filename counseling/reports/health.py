"""The reports app's rows on the staff health page (the ``health`` hook; see counseling.services.health)."""

from __future__ import annotations

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from counseling.reports.models import ReportStatus, SemesterReport
from counseling.services.health import Check


def check_last_report() -> Check:
    """The most recently requested version: a failed build is a problem until a new one is asked for."""
    last = SemesterReport.objects.order_by("-requested_at").first()
    if last is None:
        return Check(_("Last report run"), True, _("never"))
    when = last.built_at or last.requested_at
    shown = formats.date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT")
    detail = f"{last.term.name} v{last.version} · {last.get_status_display()} · {shown}"
    return Check(_("Last report run"), last.status != ReportStatus.FAILED, detail)


def checks() -> list[Check]:
    return [check_last_report()]
