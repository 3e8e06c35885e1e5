"""Several machines (issue 19 §4): uploads, report files and audit anchors in S3-compatible storage.

Each test runs against moto's in-process S3 (``mock_aws``): what the real pages store lands in the
bucket, under S3_PREFIX and the school's prefix, and nothing under MEDIA_ROOT; a download goes
through the access-checked view, byte for byte; the wrong person gets 404 or 403.
"""

from __future__ import annotations

import datetime
import io
import os
import subprocess
import sys
import zipfile

import boto3
import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from moto import mock_aws

from campaigns.enums import CampaignStatus
from campaigns.models import Entry, SummaryPhoto
from campaigns.services import contests, files
from campaigns.tests.factories import CampaignFactory, ContestFactory, at, jpeg_bytes, png_bytes, upload
from counseling import storage
from counseling.models import AuditEntry
from counseling.models.audit import AuditAction
from counseling.reports import services as report_services
from counseling.reports.models import ReportStatus, SemesterReport
from counseling.reports.tasks import build_report_task, store_files_task
from counseling.services import audit

pytestmark = pytest.mark.django_db

BUCKET = "counseling-test"
PREFIX = "district-7"


def _keys(client, prefix: str = "") -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def _body(client, key: str) -> bytes:
    return client.get_object(Bucket=BUCKET, Key=key)["Body"].read()


def _media_files() -> list[str]:
    return [name for _root, _dirs, names in os.walk(django_settings.MEDIA_ROOT) for name in names]


@pytest.fixture
def s3(settings, monkeypatch):
    """A private bucket in moto's S3, configured as the settings do with S3_BUCKET and S3_PREFIX."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        client = boto3.client(
            "s3", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
        )
        client.create_bucket(Bucket=BUCKET)
        settings.S3_BUCKET = BUCKET
        settings.S3_PREFIX = PREFIX
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "counseling.storage.SchoolS3Storage",
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "access_key": "testing",
                    "secret_key": "testing",
                    "region_name": "us-east-1",
                    "location": PREFIX,
                    "default_acl": None,
                    "signature_version": "s3v4",
                },
            },
        }
        yield client


@pytest.fixture
def school_b(monkeypatch):
    """The storage's school prefix as a district installation will answer it, read at each access."""
    current = {"school": "school-b"}
    monkeypatch.setattr(storage, "school_prefix", lambda: current["school"])
    return current


def test_an_entry_uploaded_on_the_page_lands_in_the_bucket_and_downloads_through_the_door(
    s3, school_b, class_teacher, other_teacher, school_class, client_for
) -> None:
    contest = ContestFactory()
    before = _media_files()
    content = png_bytes(size=(64, 48), colour="teal")
    response = client_for(class_teacher).post(
        reverse("campaigns:entry_submit", args=[contest.pk]),
        {"school_class": school_class.pk, "title": "我们的宣传画", "file": upload("poster.png", content)},
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    # The row keeps the name; the key adds S3_PREFIX and the school.
    assert entry.file.name.startswith("campaigns/entry/")
    key = f"{PREFIX}/school-b/{entry.file.name}"
    assert _keys(s3) == [key]
    assert _body(s3, key) == content
    assert _media_files() == before
    # No public ACL: only the bucket's owner is granted anything.
    grants = s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in grants)

    download = client_for(class_teacher).get(reverse("campaigns:entry_file", args=[entry.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Length"] == str(len(content))
    assert download["Cache-Control"] == "private, no-store"
    assert b"".join(download.streaming_content) == content
    assert client_for(other_teacher).get(reverse("campaigns:entry_file", args=[entry.pk])).status_code == 404
    assert client_for(None).get(reverse("campaigns:entry_file", args=[entry.pk])).status_code == 302


def test_another_schools_prefix_does_not_reach_the_file(s3, school_b, class_teacher, school_class, client_for) -> None:
    contest = ContestFactory()
    client_for(class_teacher).post(
        reverse("campaigns:entry_submit", args=[contest.pk]),
        {"school_class": school_class.pk, "title": "作品", "file": upload("poster.png", png_bytes())},
    )
    entry = Entry.objects.get()
    # The prefix is read at each access, not once: served as school C, the same row finds nothing.
    school_b["school"] = "school-c"
    assert client_for(class_teacher).get(reverse("campaigns:entry_file", args=[entry.pk])).status_code == 404
    school_b["school"] = "school-b"
    assert client_for(class_teacher).get(reverse("campaigns:entry_file", args=[entry.pk])).status_code == 200


def test_a_stored_file_has_no_link(s3) -> None:
    with pytest.raises(NotImplementedError):
        default_storage.url("campaigns/entry/x.png")


def test_a_file_gone_from_the_bucket_is_a_404_not_a_server_error(s3, class_teacher, school_class, client_for) -> None:
    contest = ContestFactory()
    client_for(class_teacher).post(
        reverse("campaigns:entry_submit", args=[contest.pk]),
        {"school_class": school_class.pk, "title": "作品", "file": upload("poster.png", png_bytes())},
    )
    entry = Entry.objects.get()
    s3.delete_object(Bucket=BUCKET, Key=f"{PREFIX}/{entry.file.name}")
    assert client_for(class_teacher).get(reverse("campaigns:entry_file", args=[entry.pk])).status_code == 404


def test_a_withdrawn_entry_leaves_the_bucket(
    s3, class_teacher, school_class, client_for, django_capture_on_commit_callbacks
) -> None:
    contest = ContestFactory()
    client = client_for(class_teacher)
    client.post(
        reverse("campaigns:entry_submit", args=[contest.pk]),
        {"school_class": school_class.pk, "title": "作品", "file": upload("poster.png", png_bytes())},
    )
    entry = Entry.objects.get()
    assert len(_keys(s3, f"{PREFIX}/campaigns/")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        contests.withdraw_entry(entry, by=class_teacher)
    assert _keys(s3, f"{PREFIX}/campaigns/") == []


@pytest.fixture
def finished(counselor):
    today = timezone.localdate()
    return CampaignFactory(
        title="“5·25”心理健康活动周",
        organisers=[counselor],
        start_date=today - datetime.timedelta(days=9),
        end_date=today - datetime.timedelta(days=3),
        status=CampaignStatus.FINISHED,
    )


def test_the_summary_pdf_and_the_materials_zip_read_the_photos_from_the_bucket(
    s3, finished, counselor, other_counselor, class_teacher, school_class, client_for
) -> None:
    client = client_for(counselor)
    client.post(reverse("campaigns:summary", args=[finished.pk]), {"highlights": "签名墙", "participant_count": "1200"})
    photo_bytes = jpeg_bytes(size=(320, 240))
    response = client.post(
        reverse("campaigns:summary_photo_add", args=[finished.pk]),
        {"photo": upload("wall.jpg", photo_bytes), "caption": "启动仪式签名墙"},
    )
    assert response.status_code == 302
    photo = SummaryPhoto.objects.get()
    assert _body(s3, f"{PREFIX}/{photo.file.name}") == photo_bytes
    assert not os.path.exists(os.path.join(django_settings.MEDIA_ROOT, photo.file.name))

    pdf = client.get(reverse("campaigns:summary_pdf", args=[finished.pk]))
    assert pdf.status_code == 200
    listing = subprocess.run(["pdfimages", "-list", "-"], input=pdf.getvalue(), capture_output=True, check=True)
    images = [line.split() for line in listing.stdout.decode().splitlines()[2:]]
    # The photo, drawn at its own size from the bucket's copy.
    assert [(row[3], row[4]) for row in images] == [("320", "240")]

    contest = ContestFactory(campaign=finished, title="宣传画比赛", deadline=at(finished.end_date, 8))
    entry_bytes = png_bytes(size=(50, 50), colour="navy")
    entry = Entry(contest=contest, school_class=school_class, title="我们的宣传画", submitted_by=class_teacher)
    files.attach(entry, upload("poster.png", entry_bytes), files.PNG)
    entry.save()
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("campaigns:materials_zip", args=[finished.pk])).getvalue())
    )
    names = archive.namelist()
    [entry_name] = [name for name in names if name.endswith("我们的宣传画.png")]
    assert archive.read(entry_name) == entry_bytes
    [photo_name] = [name for name in names if name.endswith(".jpg")]
    assert archive.read(photo_name) == photo_bytes
    # Photos show pupils: the counseling office only.
    assert client_for(class_teacher).get(reverse("campaigns:summary_photo", args=[photo.pk])).status_code == 403
    shown = client_for(other_counselor).get(reverse("campaigns:summary_photo", args=[photo.pk]))
    assert b"".join(shown.streaming_content) == photo_bytes
    assert client_for(other_counselor).get(reverse("campaigns:materials_zip", args=[finished.pk])).status_code == 403


def test_the_report_built_by_the_worker_is_in_the_bucket_and_streams_from_it(
    s3, settings, term, head, leader, client_for, django_capture_on_commit_callbacks, tmp_path
) -> None:
    # A worker runs apart from the web (tasks go to the broker): its build renders the files too.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.request_report(term, head)
    build_report_task.apply(args=[report.pk])  # what the worker does with the queued message
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert _keys(s3, f"{PREFIX}/reports/") == []
    store_files_task.apply(args=[report.pk])  # queued by the build, run by the worker
    stored = _keys(s3, f"{PREFIX}/reports/")
    assert [key.rsplit(".", 1)[1] for key in stored] == ["pdf", "xlsx"]
    assert all(f"/v1-{report.pk}-zh-hans-" in key for key in stored)

    pdf = client_for(head).get(reverse("reports:pdf", args=[report.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"].startswith("attachment")
    assert pdf.getvalue() == _body(s3, stored[0])
    xlsx = client_for(head).get(reverse("reports:xlsx", args=[report.pk]))
    assert xlsx.getvalue() == _body(s3, stored[1])
    # Served from the bucket, nothing rendered again.
    assert _keys(s3, f"{PREFIX}/reports/") == stored
    # A draft is the head counselor's: the leader does not learn it exists.
    assert client_for(leader).get(reverse("reports:pdf", args=[report.pk])).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        report_services.publish(SemesterReport.objects.get(pk=report.pk), head)
    store_files_task.apply(args=[report.pk])  # queued by the publication, run by the worker
    published = _keys(s3, f"{PREFIX}/reports/")
    # The published files replace the draft's (they say "Published").
    assert len(published) == 2 and set(published).isdisjoint(stored)
    reading = client_for(leader).get(reverse("reports:pdf", args=[report.pk]))
    assert reading.status_code == 200
    content = reading.getvalue()
    assert content == _body(s3, published[0])
    file = tmp_path / "report.pdf"
    file.write_bytes(content)
    text = subprocess.run(["pdftotext", str(file), "-"], capture_output=True, check=True).stdout.decode()
    assert "已发布" in text


def test_a_report_without_a_worker_is_rendered_on_the_first_download_and_kept(s3, term, head, client_for) -> None:
    report = SemesterReport.objects.create(term=term, version=1, requested_by=head)
    report_services.build_report(report.pk)
    assert _keys(s3, f"{PREFIX}/reports/") == []
    english = client_for(head)
    english.cookies["django_language"] = "en"
    first = english.get(reverse("reports:xlsx", args=[report.pk])).getvalue()
    [key] = _keys(s3, f"{PREFIX}/reports/")
    assert "-en-" in key and key.endswith(".xlsx")
    assert english.get(reverse("reports:xlsx", args=[report.pk])).getvalue() == first == _body(s3, key)


def test_the_audit_anchors_are_objects_in_the_bucket(s3, head, client_for) -> None:
    audit.record(head, AuditAction.VIEW, head, detail="first")
    first = audit.verify()
    assert first.problems == []
    anchors = _keys(s3, f"{PREFIX}/audit-anchors/")
    assert len(anchors) == 1
    head_entry = AuditEntry.objects.order_by("-id").first()
    assert anchors[0].endswith(f"_{head_entry.pk}_{head_entry.hash}.txt")
    assert _body(s3, anchors[0]).decode().split()[1:] == [str(head_entry.pk), head_entry.hash]
    assert not audit.anchor_path().exists()
    assert audit.fingerprint() == (head_entry.pk, head_entry.hash[:12])
    # The newest entry removed from the database: the bucket's anchor shows it.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM counseling_auditentry WHERE id = %s", [head_entry.pk])
    problems = audit.verify().problems
    assert any("missing" in problem for _id, problem in problems)


def _settings(code: str, **env: str) -> subprocess.CompletedProcess:
    """Import the real settings with ``env`` (and no S3 variable from this process) and run ``code``."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("S3_")}
    return subprocess.run(
        [sys.executable, "-c", f"import counseling.settings as s; {code}"],
        cwd=django_settings.BASE_DIR,
        env={**environment, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_bucket_files_stay_on_the_disk_and_with_one_they_go_to_it() -> None:
    show = "print(s.STORAGES['default']['BACKEND'], s.STORAGES['default'].get('OPTIONS', {}).get('location'))"
    assert _settings(show).stdout.split() == ["django.core.files.storage.FileSystemStorage", "None"]
    configured = _settings(
        show + "; print(s.STORAGES['default']['OPTIONS']['addressing_style'])",
        S3_BUCKET="counseling",
        S3_ENDPOINT_URL="http://10.88.0.22:5000",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY="secret",
        S3_PREFIX="/district-7/",
    )
    assert configured.stdout.split() == ["counseling.storage.SchoolS3Storage", "district-7", "path"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"S3_BUCKET": "b", "S3_ENDPOINT_URL": "10.88.0.22:5000"}, "S3_ENDPOINT_URL must be an http:// or https://"),
        ({"S3_BUCKET": "b", "S3_ACCESS_KEY_ID": "key"}, "S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together"),
        ({"S3_ENDPOINT_URL": "http://10.88.0.22:5000"}, "need S3_BUCKET"),
    ],
)
def test_a_half_configured_bucket_stops_the_start(env, message) -> None:
    result = _settings("", **env)
    assert result.returncode != 0
    assert message in result.stderr.strip().splitlines()[-1]
