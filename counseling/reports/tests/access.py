"""Access rows for the semester reports (see counseling.tests.access)."""

from __future__ import annotations

from django.urls import reverse

from counseling.reports.models import ReportStatus, SemesterReport
from counseling.tests.access import Route, expect

READERS = ("head", "leader", "administrator")


def routes(cast, world: dict) -> dict[str, Route]:
    from counseling.models import Term

    term = Term.objects.current()
    published = SemesterReport.objects.create(
        term=term, version=1, status=ReportStatus.PUBLISHED, data={"current": {}, "previous": {}}
    )
    draft = SemesterReport.objects.create(term=term, version=2, status=ReportStatus.DRAFT, data={"current": {}})
    readers = expect(200, roles=READERS)
    # A draft is the head counselor's alone: leaders and administrators are told it does not exist.
    draft_only = expect(200, roles=READERS, leader=404, administrator=404)
    return {
        "reports:list": Route(reverse("reports:list"), readers),
        "reports:generate": Route(reverse("reports:generate"), expect(405, roles=("head",))),
        "reports:detail": Route(reverse("reports:detail", args=[draft.pk]), draft_only),
        "reports:progress": Route(reverse("reports:progress", args=[published.pk]), readers),
        "reports:narrative": Route(reverse("reports:narrative", args=[draft.pk]), expect(405, roles=("head",))),
        "reports:publish": Route(reverse("reports:publish", args=[draft.pk]), expect(405, roles=("head",))),
        "reports:pdf": Route(reverse("reports:pdf", args=[published.pk]), readers),
        "reports:xlsx": Route(reverse("reports:xlsx", args=[published.pk]), readers),
        # An empty report has no chart of that name.
        "reports:chart": Route(
            reverse("reports:chart", args=[published.pk, "appointments.by_channel"]), expect(404, roles=READERS)
        ),
    }
