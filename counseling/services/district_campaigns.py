"""A school's window on the district's campaigns (issue 19): the templates it may start from, and its 报送.

In a single-school install (DISTRICT off) there is no district: every function returns nothing and
``submit`` refuses. In a district, the district's tables live in the shared schema; they are read
(and a school's submission is written) there with ``schema_context`` and ``apps.get_model``, so the
school's apps never import ``counseling.district`` (the layers in .importlinter).

What crosses from a school to the district is what its head counselor sends: the summary text and
counts, the summary PDF and the photos they choose — never a student-level row.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

PUBLIC = "public"


@dataclass(frozen=True)
class DistrictCampaignInfo:
    pk: int
    title: str
    theme: str
    start_date: datetime.date
    end_date: datetime.date
    due_date: datetime.date
    description: str
    materials: list[str]
    material_labels: list[str]


@dataclass(frozen=True)
class SubmissionInfo:
    submitted_at: datetime.datetime
    submitted_by: str
    is_late: bool
    times_sent: int
    file_names: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OutgoingFile:
    """A file the school sends: its kind (a district Material value), a name, its checked type and bytes."""

    kind: str
    name: str
    content_type: str
    content: bytes


def enabled() -> bool:
    """True in a school of a district installation (not on the district's own site)."""
    return bool(getattr(settings, "DISTRICT", False)) and getattr(connection, "schema_name", PUBLIC) != PUBLIC


@contextmanager
def _in_public():
    from django_tenants.utils import schema_context

    school_schema = connection.schema_name
    with schema_context(PUBLIC):
        yield school_schema


def _delete_in_public(storage, name: str) -> None:
    """Delete a file of the district's after commit, when the connection is back in the school's schema:
    the district's files are under the shared schema's part of the storage, so the delete must be too."""
    from django_tenants.utils import schema_context

    with schema_context(PUBLIC):
        storage.delete(name)


def _model(name: str):
    return apps.get_model("district", name)


def _info(row) -> DistrictCampaignInfo:
    return DistrictCampaignInfo(
        pk=row.pk,
        title=row.title,
        theme=row.theme,
        start_date=row.start_date,
        end_date=row.end_date,
        due_date=row.due_date,
        description=row.description,
        materials=list(row.materials),
        material_labels=row.material_labels(),
    )


def published() -> list[DistrictCampaignInfo]:
    """The district's published campaigns, latest first; none outside a district's school."""
    if not enabled():
        return []
    with _in_public():
        rows = _model("DistrictCampaign").objects.filter(status="published").order_by("-start_date", "-id")
        return [_info(row) for row in rows]


def get_published(pk: int | None) -> DistrictCampaignInfo | None:
    if not enabled() or pk is None:
        return None
    with _in_public():
        row = _model("DistrictCampaign").objects.filter(pk=pk, status="published").first()
        return _info(row) if row else None


def _school(schema_name: str):
    return _model("School").objects.get(schema_name=schema_name)


def submission(district_campaign_id: int | None) -> SubmissionInfo | None:
    """What this school has sent for the district campaign, if anything."""
    if not enabled() or district_campaign_id is None:
        return None
    with _in_public() as schema:
        row = (
            _model("CampaignSubmission")
            .objects.filter(district_campaign_id=district_campaign_id, school__schema_name=schema)
            .prefetch_related("files")
            .first()
        )
        if row is None:
            return None
        return SubmissionInfo(
            submitted_at=row.submitted_at,
            submitted_by=row.submitted_by,
            is_late=row.is_late,
            times_sent=row.times_sent,
            file_names=[item.original_name for item in row.files.all()],
        )


@transaction.atomic
def submit(
    district_campaign_id: int,
    *,
    school_campaign_id: int,
    school_campaign_title: str,
    highlights: str,
    participant_count: int | None,
    by_name: str,
    files: list[OutgoingFile],
) -> SubmissionInfo:
    """Send (or send again) this school's materials for a district campaign.

    Side effects, in the shared schema: the school's one submission row is created or replaced
    (time, sender, lateness judged on this sending, files); the files are copied into the default
    storage under random names; files of an earlier sending are deleted after commit. Lateness: a
    sending after the due day (the district campaign's last day + 7, in the school's time zone).
    """
    info = get_published(district_campaign_id)
    if info is None:
        raise ValidationError(_("That district campaign is not open for submissions."))
    now = timezone.now()
    submissions, submission_files = _model("CampaignSubmission").objects, _model("SubmissionFile")
    with _in_public() as schema:
        school = _school(schema)
        row = submissions.select_for_update().filter(district_campaign_id=district_campaign_id, school=school).first()
        if row is None:
            row = submissions.model(district_campaign_id=district_campaign_id, school=school, times_sent=0)
        old_files = list(row.files.all()) if row.pk else []
        row.school_campaign_id = school_campaign_id
        row.school_campaign_title = school_campaign_title[:120]
        row.highlights = highlights
        row.participant_count = participant_count
        row.submitted_at = now
        row.submitted_by = by_name[:150]
        row.is_late = timezone.localdate(now) > info.due_date
        row.times_sent += 1
        row.save()
        for old in old_files:
            name, storage = old.file.name, old.file.storage
            old.delete()
            transaction.on_commit(lambda name=name, storage=storage: _delete_in_public(storage, name))
        saved = []
        for outgoing in files:
            item = submission_files(
                submission=row,
                kind=outgoing.kind,
                original_name=outgoing.name[:200],
                content_type=outgoing.content_type,
                size=len(outgoing.content),
            )
            item.file.save(outgoing.name, ContentFile(outgoing.content), save=False)
            item.save()
            saved.append(item.original_name)
        return SubmissionInfo(
            submitted_at=row.submitted_at,
            submitted_by=row.submitted_by,
            is_late=row.is_late,
            times_sent=row.times_sent,
            file_names=saved,
        )
