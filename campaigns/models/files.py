"""Uploaded material (entries, reports, photos): in the default storage (MEDIA_ROOT or the bucket), never at a public URL.

Files are checked by content before they are saved (campaigns.services.files) and are only ever
served by permission-checked views. The stored name is random; the uploader's file name is kept
beside it for the download.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


def private_upload_to(instance: StoredFile, filename: str) -> str:
    """A random name in a folder per kind and month; the extension follows the checked content type."""
    folder = instance._meta.model_name
    extension = EXTENSIONS.get(instance.content_type, "")
    return f"campaigns/{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class StoredFile(models.Model):
    file = models.FileField(_("file"), upload_to=private_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))

    class Meta:
        abstract = True

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, "")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
