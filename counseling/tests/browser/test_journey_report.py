"""The head counselor generates the semester summary and publishes it; the administrator downloads the PDF.

The permission table lets only the head counselor build and publish a report
(``reports.edit_reports``); the administrator reads and prints published versions. So the
journey is the real hand-off: head generates, waits, publishes; administrator downloads.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from counseling.reports.models import ReportStatus, SemesterReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_head_generates_and_administrator_downloads_the_pdf(demo_school, journey, tmp_path):
    page = journey.page
    journey.login("head")
    journey.screenshot("home-head")
    journey.goto("/reports/")
    page.get_by_role("button", name="生成").click()

    # The build runs as a task; the page polls until the version is ready, then offers the PDF.
    pdf_link = page.get_by_role("link", name="PDF")
    expect(pdf_link).to_be_visible(timeout=60_000)
    journey.check()
    report = SemesterReport.objects.get()
    assert report.status == ReportStatus.DRAFT

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("已发布", exact=False).first).to_be_visible()
    journey.check()
    journey.screenshot("report-head", full_page=False)
    report.refresh_from_db()
    assert report.status == ReportStatus.PUBLISHED

    journey.logout()
    journey.login("admin")
    journey.goto("/reports/")
    page.get_by_role("link", name=report.term.name).click()
    journey.check()
    # Generous: on a loaded two-core CI machine the first PDF served can take long.
    with page.expect_download(timeout=90_000) as download_info:
        page.get_by_role("link", name="PDF").click(timeout=90_000)
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert download.suggested_filename.endswith(f"-v{report.version}.pdf")
    assert target.read_bytes().startswith(b"%PDF-")
    journey.assert_accessible()
