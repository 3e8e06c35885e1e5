"""The summary after a campaign: numbers, highlights, photos; its reminders, its PDF and the materials ZIP."""

from __future__ import annotations

import datetime
import logging
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from campaigns.enums import PARENT_KINDS, CampaignStatus
from campaigns.models import (
    Campaign,
    ContestAward,
    Entry,
    Event,
    FamilyRegistration,
    Registration,
    ReportSubmission,
    Summary,
    SummaryPhoto,
)
from campaigns.services import files
from campaigns.services.contests import campaign_leaderboard
from campaigns.services.reports import expected_classes
from counseling.models.audit import AuditAction
from counseling.services import audit, notify
from counseling.services.aggregates import HIDDEN, Sheet
from counseling.services.messages import Msg
from counseling.storage import open_stream

logger = logging.getLogger(__name__)

# Organisers are reminded this many days before the summary is due.
DUE_SOON_DAYS = 2


def stats(campaign: Campaign) -> dict:
    """The campaign in numbers (a handful of aggregate queries, whatever its size).

    The counts of students are published under the disclosure rule (counseling.services.aggregates).
    """
    events = Event.objects.filter(campaign=campaign).aggregate(
        events=Count("pk"),
        published_events=Count("pk", filter=Q(is_published=True)),
        parent_sessions=Count("pk", filter=Q(kind__in=PARENT_KINDS, ends_at__lte=timezone.now())),
    )
    # Families reached: distinct children whose family came to one of the campaign's parent classes.
    families = FamilyRegistration.objects.filter(event__campaign=campaign, attended_at__isnull=False).aggregate(
        n=Count("student", distinct=True)
    )["n"]
    registrations = Registration.objects.filter(event__campaign=campaign).aggregate(
        registrations=Count("pk"), students=Count("student", distinct=True)
    )
    entries = Entry.objects.filter(contest__campaign=campaign).aggregate(
        entries=Count("pk"), entry_classes=Count("school_class", distinct=True)
    )
    reports = ReportSubmission.objects.filter(report__campaign=campaign).aggregate(
        reports=Count("pk"), report_kinds=Count("report", distinct=True)
    )
    report_count = campaign.reports.count()
    awards = ContestAward.objects.filter(contest__campaign=campaign).aggregate(awards=Count("pk"))
    # Registrations count students, and the summary is a file that travels: the two go through
    # the disclosure rule (students are at most the registrations); the rest counts no person.
    sheet = Sheet()
    sheet.count("registrations", registrations["registrations"])
    sheet.count("students", registrations["students"])
    sheet.at_most("registrations", ["students"])
    sheet.count("families", families)
    shown = sheet.protect()
    return {
        **events,
        "registrations": shown["registrations"],
        "students": shown["students"],
        "students_shown": shown["students"] != HIDDEN,
        "families": shown["families"],
        **entries,
        "contests": campaign.contests.count(),
        "reports_received": reports["reports"],
        "reports_expected": report_count * expected_classes(campaign).count(),
        **awards,
    }


def summary_problem(campaign: Campaign, today: datetime.date) -> str | None:
    if campaign.status == CampaignStatus.DRAFT:
        return _("A draft campaign has no summary.")
    if today <= campaign.end_date:
        return _("The summary can be written after the campaign's last day (%(date)s).") % {
            "date": formats.date_format(campaign.end_date, "SHORT_DATE_FORMAT")
        }
    return None


@transaction.atomic
def save_summary(campaign: Campaign, *, by, highlights: str, participant_count: int | None, request=None) -> Summary:
    """Write or correct the summary (after the last day). Side effects: upsert, audit entry."""
    problem = summary_problem(campaign, timezone.localdate())
    if problem:
        raise ValidationError(problem)
    summary, created = Summary.objects.update_or_create(
        campaign=campaign,
        defaults={"highlights": highlights, "participant_count": participant_count, "written_by": by},
    )
    audit.record(by, AuditAction.CREATE if created else AuditAction.CHANGE, summary, request=request)
    return summary


@transaction.atomic
def add_photo(summary: Summary, *, by, upload: UploadedFile, caption: str = "") -> SummaryPhoto:
    """Attach a photo (JPEG or PNG, checked by content) to the summary. Side effect: file stored, row created."""
    mime = files.check_upload(upload, files.IMAGES)
    photo = SummaryPhoto(summary=summary, caption=caption, uploaded_by=by)
    files.attach(photo, upload, mime)
    photo.save()
    return photo


@transaction.atomic
def delete_photo(photo: SummaryPhoto) -> None:
    files.delete_after_commit(photo)
    photo.delete()


@transaction.atomic
def submit(campaign: Campaign, *, by, request=None) -> Campaign:
    """Mark the summary as sent: the campaign becomes "summarised" and its reminders stop.

    Side effects, in order: checks a summary exists, stamps it, sets the campaign's status,
    withdraws unsent summary reminders, audit entry.
    """
    summary = Summary.objects.select_for_update().filter(campaign=campaign).first()
    if summary is None or not summary.highlights.strip():
        raise ValidationError(_("Write the summary before marking it as sent."))
    if summary.submitted_at is None:
        summary.submitted_at = timezone.now()
        summary.save(update_fields=["submitted_at"])
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.SUMMARISED)
    campaign.status = CampaignStatus.SUMMARISED
    notify.cancel(f"campaigns:campaign:{campaign.pk}:summary:")
    audit.record(by, AuditAction.CHANGE, campaign, request=request, detail="summary submitted")
    return campaign


def scan_reminders(today: datetime.date | None = None) -> int:
    """Remind organisers of a summary that is due soon, and once more when it is overdue.

    Side effects: outbox messages keyed by campaign, stage and organiser (never repeated).
    """
    today = today or timezone.localdate()
    campaigns = (
        Campaign.objects.filter(
            status__in=[CampaignStatus.PUBLISHED, CampaignStatus.RUNNING, CampaignStatus.FINISHED],
            end_date__lt=today,
        )
        .filter(Q(summary__isnull=True) | Q(summary__submitted_at__isnull=True))
        .prefetch_related("organisers")
    )
    sent = 0
    for campaign in campaigns:
        due = campaign.summary_due_date
        if today > due:
            stage, title = "overdue", gettext_noop("The summary of “%(campaign)s” was due %(date)s")
        elif today >= due - datetime.timedelta(days=DUE_SOON_DAYS):
            stage, title = "due-soon", gettext_noop("The summary of “%(campaign)s” is due %(date)s")
        else:
            continue
        text = Msg(title, campaign=campaign.title, date=due)
        for organiser in campaign.organisers.all():
            sent += notify.notify(
                organiser,
                key=f"campaigns:campaign:{campaign.pk}:summary:{stage}:{organiser.pk}",
                title=text,
                url=reverse("campaigns:summary", args=[campaign.pk]),
            )
    return sent


# The scheme of a photo's address in the PDF's HTML: the fetcher below reads it from the storage.
PHOTO_SCHEME = "stored-photo"


def print_context(campaign: Campaign, *, for_pdf: bool = False) -> dict:
    """What the print view and the PDF show. In the PDF, photos are read from the storage
    (``stored-photo:<id>`` addresses, which only ``render_pdf``'s fetcher understands)."""
    summary = Summary.objects.filter(campaign=campaign).prefetch_related("photos").first()
    photos = list(summary.photos.all()) if summary else []
    for photo in photos:
        photo.src = f"{PHOTO_SCHEME}:{photo.pk}" if for_pdf else reverse("campaigns:summary_photo", args=[photo.pk])
    return {
        "campaign": campaign,
        "summary": summary,
        "photos": photos,
        "for_pdf": for_pdf,
        "numbers": stats(campaign),
        "events": list(campaign.events.select_related("venue").order_by("starts_at")),
        "leaderboard": campaign_leaderboard(campaign),
        "awards": list(
            ContestAward.objects.filter(contest__campaign=campaign)
            .select_related("contest", "school_class__grade")
            .order_by("contest__deadline", "contest_id", "rank")
        ),
        "generated_at": timezone.now(),
    }


def _allowed_roots() -> list[Path]:
    roots = [Path(path).resolve() for path in finders.find("campaigns", find_all=True) or []]
    roots.append(Path("/usr/share/fonts").resolve())
    return roots


def _url_fetcher(photos: list[SummaryPhoto]):
    """WeasyPrint may read our stylesheets, the font and this summary's own photos, nothing else.

    The photos come through the storage API (the disk under MEDIA_ROOT, or the bucket on several
    machines), by the address ``print_context`` gave each; any other address is refused.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = _allowed_roots()
    by_address = {f"{PHOTO_SCHEME}:{photo.pk}": photo for photo in photos}

    class LocalOnly(URLFetcher):
        def fetch(self, url, headers=None):
            photo = by_address.get(url)
            if photo is not None:
                with photo.file.storage.open(photo.file.name, "rb") as handle:
                    body = handle.read()
                return URLFetcherResponse(url, body=body, headers={"Content-Type": photo.content_type})
            if url.startswith("file://"):
                path = Path(url.removeprefix("file://").split("?")[0]).resolve()
                if any(path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            raise ValueError(f"blocked resource in PDF: {url[:80]}")

    return LocalOnly(allowed_protocols={"file"})


def render_pdf(campaign: Campaign) -> bytes:
    """The summary as an A4 PDF (WeasyPrint, CJK font named in pdf-fonts.css)."""
    from weasyprint import CSS, HTML

    context = print_context(campaign, for_pdf=True)
    html = render_to_string("campaigns/summary_print.html", context)
    fetcher = _url_fetcher(context["photos"])
    stylesheets = [
        CSS(filename=finders.find("campaigns/summary-print.css"), url_fetcher=fetcher),
        CSS(filename=finders.find("campaigns/pdf-fonts.css"), url_fetcher=fetcher),
    ]
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=stylesheets)


# Pieces in which a stored file is copied into the materials ZIP.
CHUNK = 1024 * 1024

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def _safe(part: str) -> str:
    return _UNSAFE.sub("_", part).strip(" .")[:60] or "_"


def build_materials_zip(campaign: Campaign, *, by, request=None):
    """Every submitted file of the campaign (entries, reports, photos) and the summary PDF in one ZIP.

    Returns an open temporary file positioned at the start. Side effect: an audit entry (export).
    """
    # Handed to FileResponse, which closes it when the download ends.
    archive_file = tempfile.TemporaryFile()  # noqa: SIM115
    used: set[str] = set()

    def unique(name: str) -> str:
        stem, dot, ext = name.rpartition(".")
        candidate, counter = name, 1
        while candidate in used:
            counter += 1
            candidate = f"{stem}-{counter}{dot}{ext}"
        used.add(candidate)
        return candidate

    entries = Entry.objects.filter(contest__campaign=campaign).select_related("contest", "school_class__grade")
    reports = ReportSubmission.objects.filter(report__campaign=campaign).select_related("report", "school_class__grade")
    photos = SummaryPhoto.objects.filter(summary__campaign=campaign)
    # Folder names in the archive, in the user's language.
    contests_dir, reports_dir, photos_dir = _("Contests"), _("Reports"), _("Photos")
    summary_name = _("summary")
    with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            name = (
                f"{_safe(entry.contest.title)}/{_safe(str(entry.school_class))}-{_safe(entry.title)}{entry.extension}"
            )
            _write_stored(archive, entry, unique(f"{contests_dir}/{name}"))
        for submission in reports:
            name = f"{_safe(submission.report.title)}/{_safe(str(submission.school_class))}{submission.extension}"
            _write_stored(archive, submission, unique(f"{reports_dir}/{name}"))
        for index, photo in enumerate(photos, start=1):
            name = f"{index:02d}-{_safe(photo.caption or photo.original_name)}{photo.extension}"
            _write_stored(archive, photo, unique(f"{photos_dir}/{name}"))
        if Summary.objects.filter(campaign=campaign).exists():
            archive.writestr(unique(f"{_safe(campaign.title)}-{summary_name}.pdf"), render_pdf(campaign))
    archive_file.seek(0)
    audit.record(by, AuditAction.EXPORT, campaign, request=request, detail="materials zip")
    return archive_file


def _write_stored(archive: zipfile.ZipFile, stored, name: str) -> None:
    """Add a stored upload to the archive, read through the storage in pieces; one whose file is
    gone is left out with a warning (model and id only)."""
    try:
        source, _length = open_stream(stored.file.storage, stored.file.name)
        with source, archive.open(name, "w") as target:
            shutil.copyfileobj(source, target, CHUNK)
    except FileNotFoundError:
        logger.warning("stored file missing for %s %s, left out of the archive", stored._meta.label, stored.pk)
