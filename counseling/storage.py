"""Where uploads, report files and audit anchors are kept when several machines serve one site.

With ``S3_BUCKET`` set, ``STORAGES["default"]`` is ``SchoolS3Storage``: django-storages' S3
backend (boto3) against MinIO, a cloud bucket, or moto's server in the tests, so a file uploaded
through one web host is read by another and by the workers. Without it, Django's
FileSystemStorage under ``MEDIA_ROOT`` is used, as it always was for one school on one server.

Every object's key is ``S3_PREFIX / school_prefix() / name``; the stored name (in the database
row) never holds the prefix, so a school's rows resolve inside that school's part of the bucket.
The prefix is looked up on every access, never once at start-up: one process serves one school
per request or task, and a district serves many.

Objects are private (no ACL is sent; the bucket's default is private) and never reached by a link:
``url()`` refuses, because a presigned URL would be a bearer link that outlives the permission
check. Files are sent by a view that checked access, streamed from the bucket
(``open_stream``) without being read whole into the web process.
"""

from __future__ import annotations

from typing import BinaryIO

from botocore.exceptions import ClientError
from django.core.files.storage import Storage
from storages.backends.s3 import S3Storage
from storages.utils import clean_name


def school_prefix() -> str:
    """The current school's part of every object key; "" for the one school of an installation.

    Called on every storage access (a request's or a task's), never cached: a district
    installation will answer with the school of the request or task being served.
    """
    return ""


class SchoolS3Storage(S3Storage):
    """S3 storage whose key prefix is ``S3_PREFIX`` joined with ``school_prefix()`` at call time."""

    # The configured part of the prefix (the ``location`` option, from S3_PREFIX).
    base_location = ""

    @property
    def location(self) -> str:
        return "/".join(part.strip("/") for part in (self.base_location, school_prefix()) if part.strip("/"))

    @location.setter
    def location(self, value: str) -> None:
        # django-storages assigns ``location`` from its options at construction.
        self.base_location = (value or "").strip("/")

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise NotImplementedError(
            "Stored files have no URL: a view that checked access streams them (counseling.storage.open_stream)."
        )

    def open_stream(self, name: str) -> tuple[BinaryIO, int]:
        """The object's body, read from the bucket as it is consumed, and its length in bytes.

        Raises FileNotFoundError when there is no such object.
        """
        key = self._normalize_name(clean_name(name))
        try:
            answer = self.bucket.Object(key).get()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404", "NotFound"}:
                raise FileNotFoundError(name) from error
            raise
        return answer["Body"], answer["ContentLength"]


def open_stream(storage: Storage, name: str) -> tuple[BinaryIO, int | None]:
    """A binary stream of a stored file for sending, and its length when the stream cannot tell it.

    Object storage streams the object (the web process never holds the whole file); the local
    disk opens the file. The caller closes the stream (``FileResponse`` does). Raises
    FileNotFoundError when the file is gone.
    """
    if isinstance(storage, SchoolS3Storage):
        return storage.open_stream(name)
    return storage.open(name, "rb"), None
