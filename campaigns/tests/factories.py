"""factory-boy factories and small helpers for the campaigns tests."""

from __future__ import annotations

import datetime
import io
import zipfile

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from archives.models import Instrument, InstrumentSource
from archives.services import library
from campaigns.enums import CampaignKind, CampaignStatus, ContestKind, EventKind
from campaigns.models import Campaign, Contest, Criterion, Entry, Event, RequiredReport, Task, Venue
from campaigns.services import files


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def png_bytes(size=(40, 30), colour="orange") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="JPEG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, format="PDF")
    return buffer.getvalue()


def docx_bytes(with_document: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def exe_bytes() -> bytes:
    """The start of a Windows program (MZ header), padded."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 512


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png" if name.endswith(".png") else "")


class VenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Venue
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"报告厅{n}")


class CampaignFactory(factory.django.DjangoModelFactory):
    """A published week that started yesterday and runs five more days."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"心理健康活动周 {n}")
    theme = "关注心理健康,从我做起"
    kind = CampaignKind.WEEK
    start_date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    end_date = factory.LazyAttribute(lambda c: c.start_date + datetime.timedelta(days=6))
    status = CampaignStatus.RUNNING
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def organisers(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.organisers.set(extracted)


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    campaign = factory.SubFactory(CampaignFactory)
    kind = EventKind.LECTURE
    title = factory.Sequence(lambda n: f"讲座 {n}")
    starts_at = factory.LazyAttribute(lambda e: at(e.campaign.start_date + datetime.timedelta(days=2), 14))
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + datetime.timedelta(minutes=90))
    venue = factory.SubFactory(VenueFactory)
    speaker = "王丰"
    audience = "七年级学生"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    campaign = factory.SubFactory(CampaignFactory)
    title = factory.Sequence(lambda n: f"任务 {n}")
    due_date = factory.LazyAttribute(lambda t: t.campaign.start_date)


class ContestFactory(factory.django.DjangoModelFactory):
    """A poster contest, two entries per class, deadline on the campaign's last day."""

    class Meta:
        model = Contest
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    kind = ContestKind.POSTER
    title = factory.Sequence(lambda n: f"宣传画比赛 {n}")
    deadline = factory.LazyAttribute(lambda c: at(c.campaign.end_date, 17))
    entries_per_class = 2

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            for index, (name, points) in enumerate(extracted or [("主题", 30), ("创意", 70)]):
                Criterion.objects.create(contest=obj, name=name, max_points=points, order=index)

    @factory.post_generation
    def judges(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.judges.set(extracted)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredReport

    campaign = factory.SubFactory(CampaignFactory)
    title = "主题班会活动记录"
    deadline = factory.LazyAttribute(lambda r: at(r.campaign.end_date, 17))


def make_entry(
    contest: Contest, school_class, teacher=None, title: str = "作品", content: bytes | None = None
) -> Entry:
    """An entry stored as if handed in (bypassing the deadline, for judging tests)."""
    data = upload("poster.png", content or png_bytes())
    entry = Entry(contest=contest, school_class=school_class, title=title, submitted_by=teacher)
    files.attach(entry, data, files.detect_type(data))
    entry.save()
    return entry


def feedback_instrument(code: str = "parent-feedback"):
    """A short unscored questionnaire in the instrument library: two choice items and a text item."""
    definition = library.build_definition(
        code=code,
        name="家长课堂反馈",
        instructions="请根据本次家长课堂作答。",
        options=[(1, "不满意"), (2, "一般"), (3, "满意")],
        items=[("内容对我有帮助", False, False), ("时间安排合适", False, False), ("其他建议", True, False)],
        bands=[],
        language="zh-hans",
    )
    instrument, _created = Instrument.objects.update_or_create(
        code=code, defaults={**library.instrument_fields(definition), "source": InstrumentSource.BUILT}
    )
    return instrument


def parent_class(campaign=None, **kwargs):
    """A published parent class with registration, the day after tomorrow at 19:00, for every grade."""
    campaign = campaign or CampaignFactory(start_date=timezone.localdate() - datetime.timedelta(days=3))
    defaults = {
        "kind": EventKind.PARENT_CLASS,
        "registration_required": True,
        "capacity": 30,
        "starts_at": at(timezone.localdate() + datetime.timedelta(days=2), 19),
    }
    defaults.update(kwargs)
    return EventFactory(campaign=campaign, **defaults)
