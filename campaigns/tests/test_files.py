"""Uploads are checked by content, limited in size, stored privately and served only after a permission check."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.models import Entry
from campaigns.services import files
from campaigns.tests.factories import (
    ContestFactory,
    docx_bytes,
    exe_bytes,
    jpeg_bytes,
    make_entry,
    pdf_bytes,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("poster.png", png_bytes(), files.PNG),
        ("photo.jpeg", jpeg_bytes(), files.JPEG),
        ("report.pdf", pdf_bytes(), files.PDF),
        ("essay.docx", docx_bytes(), files.DOCX),
        # The name does not matter: a PNG called .pdf is still a PNG.
        ("misnamed.pdf", png_bytes(), files.PNG),
    ],
)
def test_accepted_files_are_recognised_by_content(name, content, expected) -> None:
    assert files.check_upload(upload(name, content), files.DOCUMENTS) == expected


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("virus.png", exe_bytes()),  # a program renamed .png
        ("notes.pdf", b"just some text pretending to be a PDF" * 10),
        ("archive.docx", docx_bytes(with_document=False)),  # a zip, but not a Word document
        ("broken.png", png_bytes()[:40]),  # a PNG header with nothing behind it
        ("page.jpg", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_disguised_files_are_refused(name, content) -> None:
    with pytest.raises(ValidationError) as error:
        files.check_upload(upload(name, content), files.DOCUMENTS)
    assert error.value.code == "bad_type"
    assert "checked by their content, not their name" in error.value.messages[0]


def test_an_oversize_file_is_refused(settings) -> None:
    settings.CAMPAIGNS_MAX_UPLOAD_MB = 1
    big = png_bytes() + b"\x00" * (1024 * 1024)
    with pytest.raises(ValidationError) as error:
        files.check_upload(upload("huge.png", big), files.IMAGES)
    assert error.value.code == "too_large"
    assert "files may be at most 1.0" in error.value.messages[0]


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        files.check_upload(upload("empty.png", b""), files.IMAGES)
    assert error.value.code == "empty"


def test_each_contest_kind_takes_its_own_types() -> None:
    with pytest.raises(ValidationError):
        files.check_upload(upload("board.pdf", pdf_bytes()), files.CONTEST_TYPES["blackboard"])
    assert files.check_upload(upload("essay.docx", docx_bytes()), files.CONTEST_TYPES["essay"]) == files.DOCX


def entry_form(school_class, name: str, content: bytes) -> dict:
    return {"school_class": school_class.pk, "title": "我们的宣传画", "file": upload(name, content)}


def test_a_program_renamed_png_is_refused_in_the_browser_and_nothing_is_stored(
    class_teacher, school_class, client_for
) -> None:
    contest = ContestFactory()
    folder = os.path.join(settings.MEDIA_ROOT, "campaigns", "entry")
    before = sum(len(names) for _root, _dirs, names in os.walk(folder))
    response = client_for(class_teacher).post(
        reverse("campaigns:entry_submit", args=[contest.pk]), entry_form(school_class, "poster.png", exe_bytes())
    )
    assert response.status_code == 400
    assert "This file is not an accepted type (JPEG, PNG, PDF)." in response.content.decode()
    assert not Entry.objects.exists()
    assert sum(len(names) for _root, _dirs, names in os.walk(folder)) == before


def test_an_oversize_upload_is_refused_in_the_browser(class_teacher, school_class, client_for, settings) -> None:
    settings.CAMPAIGNS_MAX_UPLOAD_MB = 1
    contest = ContestFactory()
    big = png_bytes() + b"\x00" * (2 * 1024 * 1024)
    response = client_for(class_teacher).post(
        reverse("campaigns:entry_submit", args=[contest.pk]), entry_form(school_class, "poster.png", big)
    )
    assert response.status_code == 400
    assert "files may be at most 1.0" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_stored_file_gets_a_random_name_and_is_not_at_a_public_url(class_teacher, school_class, client_for) -> None:
    entry = make_entry(ContestFactory(), school_class, class_teacher)
    assert entry.file.name.startswith("campaigns/entry/")
    assert entry.file.name.endswith(".png")
    assert "poster" not in entry.file.name
    assert os.path.exists(entry.file.path)
    # No URL pattern serves MEDIA_ROOT: the media URL is a dead end even for the class teacher.
    assert client_for(class_teacher).get("/" + settings.MEDIA_URL + entry.file.name).status_code == 404


def test_files_are_served_through_the_permission_check(class_teacher, other_teacher, school_class, client_for) -> None:
    entry = make_entry(ContestFactory(), school_class, class_teacher)
    response = client_for(class_teacher).get(reverse("campaigns:entry_file", args=[entry.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == entry.file.open("rb").read()
    assert client_for(other_teacher).get(reverse("campaigns:entry_file", args=[entry.pk])).status_code == 404
    assert client_for(None).get(reverse("campaigns:entry_file", args=[entry.pk])).status_code == 302
