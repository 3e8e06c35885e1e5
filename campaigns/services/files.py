"""Checking uploads by their content, and serving stored files.

A file's name and the browser's content type are chosen by the uploader and prove nothing; we
read the first bytes (the `filetype` library's magic numbers), open images with Pillow, and look
inside a .docx (a zip archive that must hold word/document.xml). Only then is the file stored,
under a random name in the default storage (MEDIA_ROOT, or the private bucket with S3_BUCKET:
counseling/storage.py), and it is only ever sent by a view that checked access.
"""

from __future__ import annotations

import logging
import os
import unicodedata
import warnings
import zipfile

import filetype
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from campaigns import conf
from campaigns.enums import ContestKind
from campaigns.models.files import EXTENSIONS, StoredFile
from counseling.storage import open_stream

logger = logging.getLogger(__name__)

JPEG = "image/jpeg"
PNG = "image/png"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IMAGES = frozenset({JPEG, PNG})
DOCUMENTS = frozenset({JPEG, PNG, PDF, DOCX})
CONTEST_TYPES = {
    ContestKind.POSTER: frozenset({JPEG, PNG, PDF}),
    ContestKind.BLACKBOARD: IMAGES,  # a photo of the blackboard
    ContestKind.ESSAY: DOCUMENTS,
}
TYPE_LABELS = {JPEG: "JPEG", PNG: "PNG", PDF: "PDF", DOCX: "Word (.docx)"}
# A poster photographed by a phone is ~12 megapixels; refuse absurd sizes that would exhaust memory.
MAX_IMAGE_PIXELS = 60_000_000


def accepted_labels(types: frozenset[str]) -> str:
    return ", ".join(label for mime, label in TYPE_LABELS.items() if mime in types)


def _is_docx(upload: UploadedFile) -> bool:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "word/document.xml" in names and "[Content_Types].xml" in names


def _is_image(upload: UploadedFile, mime: str) -> bool:
    expected = {JPEG: "JPEG", PNG: "PNG"}[mime]
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != expected or image.width * image.height > MAX_IMAGE_PIXELS:
                    return False
                image.verify()
    except Exception:  # noqa: BLE001 - any decoding failure means "not a usable image"
        return False
    finally:
        upload.seek(0)
    return True


def detect_type(upload: UploadedFile) -> str | None:
    """The file's real type from its content, or None when it is none of the types we store."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in {"application/zip", DOCX}:
        return DOCX if _is_docx(upload) else None
    if mime in IMAGES:
        return mime if _is_image(upload, mime) else None
    if mime == PDF:
        return PDF
    return None


def check_upload(upload: UploadedFile, accepted: frozenset[str]) -> str:
    """Return the content type of an acceptable upload, or raise ValidationError saying why not.

    No side effects: nothing is stored.
    """
    limit = conf.max_upload_bytes()
    if upload.size is None or upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; files may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    mime = detect_type(upload)
    if mime not in accepted:
        raise ValidationError(
            _("This file is not an accepted type (%(accepted)s). Files are checked by their content, not their name.")
            % {"accepted": accepted_labels(accepted)},
            code="bad_type",
        )
    return mime


def clean_original_name(name: str) -> str:
    """The uploader's file name, kept for the download only: no path, no control characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip() or "file"
    stem, _dot, _ext = base.rpartition(".")
    return (stem or base)[:150]


def attach(instance: StoredFile, upload: UploadedFile, mime: str) -> None:
    """Fill the file fields of ``instance`` from a checked upload (stored when the instance is saved)."""
    instance.content_type = mime
    instance.original_name = clean_original_name(upload.name)
    instance.size = upload.size
    instance.file = upload


def delete_after_commit(instance: StoredFile) -> None:
    """Remove the stored file once the row's deletion is committed."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def download_name(instance: StoredFile, prefix: str = "") -> str:
    stem = f"{prefix}-{instance.original_name}" if prefix else instance.original_name
    return stem + EXTENSIONS.get(instance.content_type, "")


def file_response(instance: StoredFile, prefix: str = "", inline: bool = False) -> FileResponse:
    """Send a stored file with the type we detected, never one guessed from its name.

    The file is streamed from the storage (from the bucket, piece by piece, on several machines).
    A row whose file is gone from the storage (a restore without the media, a disk cleaned by
    hand) is a 404, and a warning naming only the model and id, not a server error.
    """
    try:
        if not instance.file.name:
            raise FileNotFoundError
        handle, length = open_stream(instance.file.storage, instance.file.name)
    except FileNotFoundError as error:
        logger.warning("stored file missing for %s %s", instance._meta.label, instance.pk)
        raise Http404 from error
    response = FileResponse(
        handle,
        content_type=instance.content_type,
        as_attachment=not (inline and instance.is_image),
        filename=download_name(instance, prefix),
    )
    if length is not None:
        response["Content-Length"] = str(length)
    response["Cache-Control"] = "private, no-store"
    return response
