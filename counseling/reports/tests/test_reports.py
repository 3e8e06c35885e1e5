"""Semester reports: built in the background, versioned, published, printed and exported."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from counseling.reports import services
from counseling.reports.models import ReportStatus, SemesterReport


@pytest.fixture
def built(term, head, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_report(term, head)
    report.refresh_from_db()
    return report


@pytest.mark.django_db
def test_generate_builds_a_draft_in_the_background(client_for, head, term, django_capture_on_commit_callbacks) -> None:
    client = client_for(head)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:generate"), {"term": term.pk})
    report = SemesterReport.objects.get(term=term)
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    assert report.status == ReportStatus.DRAFT
    assert report.version == 1
    assert report.progress == 100
    page = client.get(response["Location"]).content.decode()
    assert f"心理辅导室学期工作总结（{term.name}）" in page
    assert "草稿" in page


@pytest.mark.django_db
def test_the_page_polls_while_building_and_reloads_when_ready(client_for, head, term) -> None:
    report = services.request_report(term, head)  # on_commit not run: still queued
    client = client_for(head)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "报告正在生成" in page
    services.build_report(report.pk)
    response = client.get(reverse("reports:progress", args=[report.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


@pytest.mark.django_db
def test_asking_twice_while_building_gives_one_version(term, head) -> None:
    first = services.request_report(term, head)
    second = services.request_report(term, head)
    assert first.pk == second.pk
    assert SemesterReport.objects.filter(term=term).count() == 1
    services.build_report(first.pk)
    assert services.build_report(first.pk) is False  # already built: nothing happens
    assert SemesterReport.objects.get(pk=first.pk).status == ReportStatus.DRAFT


@pytest.mark.django_db
def test_a_new_version_keeps_the_old_one_and_its_narrative(built, term, head) -> None:
    services.save_narrative(built, highlights="心理健康周参与率高", problems="", next_plan="加强初三辅导")
    services.publish(built, head)
    second = services.request_report(term, head)
    services.build_report(second.pk)
    second.refresh_from_db()
    assert second.version == 2
    assert second.highlights == "心理健康周参与率高"
    assert second.next_plan == "加强初三辅导"
    assert SemesterReport.objects.get(pk=built.pk).status == ReportStatus.PUBLISHED


@pytest.mark.django_db
def test_a_build_abandoned_by_a_dead_worker_shows_nothing_half_built_and_is_completed(term, head, client_for) -> None:
    report = services.request_report(term, head)
    # The worker claimed the build and died before writing anything.
    SemesterReport.objects.filter(pk=report.pk).update(
        status=ReportStatus.BUILDING, started_at=timezone.now() - datetime.timedelta(minutes=11), progress=40
    )
    page = client_for(head).get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "报告正在生成" in page
    assert "report-section" not in page
    assert services.build_pending() == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.data["term"]["name"] == term.name


@pytest.mark.django_db
def test_leaders_and_administrators_see_only_published_versions(built, head, leader, administrator, client_for) -> None:
    for reader in (leader, administrator):
        client = client_for(reader)
        assert client.get(reverse("reports:detail", args=[built.pk])).status_code == 404
        assert built.term.name not in client.get(reverse("reports:list")).content.decode()
    services.publish(built, head)
    for reader in (leader, administrator):
        client = client_for(reader)
        assert client.get(reverse("reports:detail", args=[built.pk])).status_code == 200
        assert built.term.name in client.get(reverse("reports:list")).content.decode()
        assert client.post(reverse("reports:publish", args=[built.pk])).status_code == 403


@pytest.mark.django_db
def test_a_published_version_cannot_be_edited(built, head, client_for) -> None:
    services.publish(built, head)
    response = client_for(head).post(
        reverse("reports:narrative", args=[built.pk]),
        {"highlights": "改写", "problems": "", "next_plan": ""},
        follow=True,
    )
    assert "只有草稿可以编辑" in response.content.decode()
    built.refresh_from_db()
    assert built.highlights == ""


@pytest.mark.django_db
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_has_the_chinese_headings(built, head, client_for) -> None:
    services.save_narrative(built, highlights="开展了心理健康活动周", problems="", next_plan="")
    response = client_for(head).get(reverse("reports:pdf", args=[built.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-", "-"],
        input=response.getvalue(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "心理辅导室学期工作总结" in text
    assert "工作亮点" in text
    assert "开展了心理健康活动周" in text


@pytest.mark.django_db
def test_the_spreadsheet_escapes_formula_text(built, head, client_for) -> None:
    services.save_narrative(built, highlights='=HYPERLINK("http://evil.example")', problems="+1", next_plan="@x")
    response = client_for(head).get(reverse("reports:xlsx", args=[built.pk]))
    sheet = load_workbook(io.BytesIO(response.getvalue())).worksheets[0]
    values = [row[1].value for row in sheet.iter_rows(min_row=2, max_row=4)]
    assert values == ['\'=HYPERLINK("http://evil.example")', "'+1", "'@x"]


@pytest.mark.django_db
def test_the_draft_is_queued_on_the_last_day_of_term_once(term) -> None:
    assert services.draft_at_term_end(term.end - datetime.timedelta(days=1)) is None
    report = services.draft_at_term_end(term.end)
    assert report is not None
    assert services.draft_at_term_end(term.end) is None
    assert SemesterReport.objects.filter(term=term).count() == 1


@pytest.mark.django_db
def test_the_pdf_is_tagged_for_screen_readers(built, head, client_for) -> None:
    """PDF/UA: a structure tree with headings and tables, marked content, the document's language."""
    # A streamed file: read it once.
    pdf = client_for(head).get(reverse("reports:pdf", args=[built.pk])).getvalue()
    info = subprocess.run(
        [
            "pdfinfo",
            "-",
        ],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert re.search(r"^Tagged:\s+yes", info, re.M), info
    structure = subprocess.run(
        ["pdfinfo", "-struct", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "H1" in structure and "Table" in structure and "TH" in structure
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Serif" not in fonts and "Times" not in fonts, fonts


def test_a_leader_with_no_report_yet_is_told_who_builds_it(client_for, leader) -> None:
    page = client_for(leader).get(reverse("reports:list")).content.decode()
    assert "还没有报告" in page and "心理辅导室主任生成" in page
    assert "不提及任何学生、教师或家庭的姓名" in page
