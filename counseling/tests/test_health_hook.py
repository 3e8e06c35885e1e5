"""The staff health page: the ground's checks, then those each app adds through its ``health`` hook."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from counseling.reports.models import ReportStatus, SemesterReport
from counseling.services.health import run_checks


@pytest.mark.django_db
def test_the_apps_checks_come_after_the_grounds_the_last_report_run_last() -> None:
    with translation.override("en"):
        names = [check.name for check in run_checks()]
    assert names == [
        "Database",
        "Broker",
        "Queue length",
        "Last beat tick",
        "Messages overdue in the outbox",
        "Text messages not sent (last 7 days)",
        "Audit trail check",
        "Last report run",
    ]


@pytest.mark.django_db
def test_a_failed_report_build_makes_the_page_a_503(client_for, head, term) -> None:
    client = client_for(head)
    assert client.get(reverse("health")).status_code == 200
    SemesterReport.objects.create(term=term, version=1, status=ReportStatus.FAILED, error="OperationalError")
    with translation.override("en"):
        last = run_checks()[-1]
    assert (last.name, last.ok) == ("Last report run", False)
    assert last.detail.startswith(f"{term.name} v1 · Failed · ")
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert f"{term.name} v1" in response.content.decode()
