"""Retainable kinds of the campaigns app (the ``retention`` hook, see counseling.hooks): uploaded files.

Each upload (a contest entry, a class's report, a summary photo, a parent class's handout) goes with its stored file,
counted from the upload date. Contest results stay: the awards and class points are their own
rows. The file is removed from storage once the deletion is committed.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Entry, EventMaterial, ReportSubmission, SummaryPhoto
from campaigns.services.files import delete_after_commit
from counseling.hooks import RetentionKind


def delete_upload(upload) -> None:
    delete_after_commit(upload)
    upload.delete()


def _describe(moment_field: str):
    def describe(upload) -> str:
        return f"#{upload.pk} {timezone.localtime(getattr(upload, moment_field)):%Y-%m-%d} {upload.content_type}"

    return describe


def _expired(model, moment_field: str):
    def expired(cutoff: datetime.datetime):
        return model.objects.filter(**{f"{moment_field}__lt": cutoff})

    return expired


KINDS = [
    RetentionKind(
        key="campaigns.contest_entry",
        label=_("Campaign uploads: contest entries"),
        event=_("upload date"),
        default_months=36,
        expired=_expired(Entry, "submitted_at"),
        remove=delete_upload,
        describe=_describe("submitted_at"),
    ),
    RetentionKind(
        key="campaigns.report_submission",
        label=_("Campaign uploads: class reports"),
        event=_("upload date"),
        default_months=36,
        expired=_expired(ReportSubmission, "submitted_at"),
        remove=delete_upload,
        describe=_describe("submitted_at"),
    ),
    RetentionKind(
        key="campaigns.summary_photo",
        label=_("Campaign uploads: photos"),
        event=_("upload date"),
        default_months=36,
        expired=_expired(SummaryPhoto, "uploaded_at"),
        remove=delete_upload,
        describe=_describe("uploaded_at"),
    ),
    RetentionKind(
        key="campaigns.event_material",
        label=_("Campaign uploads: parent class materials"),
        event=_("upload date"),
        default_months=36,
        expired=_expired(EventMaterial, "created_at"),
        remove=delete_upload,
        describe=_describe("created_at"),
    ),
]
