"""Demo campaigns (called by ``manage.py seed_demo``; idempotent: each campaign is made once, by title).

- the last "5·25" week (held the week of May 25), with registrations, scored and published contests, class reports
  (two classes missing) and a submitted summary with photos;
- an upcoming district week (published) with events, tasks (one overdue for the head counselor)
  and open submissions for teacher1's class;
- a draft month, visible to the office only;
- this month's parents' school (家长学校): a parent class held last week for 初一 (families of
  teacher1's class came, answered the feedback form, and the slides are there to download), the next
  parent class open for sign-up (one family signed up already) and the parent meeting on mental
  health (心理专题家长会).
"""

from __future__ import annotations

import datetime
import io
import zipfile
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image, ImageDraw, ImageFont

from archives import contract as archives_contract
from campaigns.blueprints import get_blueprint
from campaigns.enums import CampaignKind, ContestKind, EventKind, TaskStatus
from campaigns.models import (
    Campaign,
    Criterion,
    Entry,
    Event,
    FamilyRegistration,
    Registration,
    ReportSubmission,
    Score,
    Summary,
    Task,
)
from campaigns.services import campaigns as campaign_service
from campaigns.services import contests as contest_service
from campaigns.services import families as family_service
from campaigns.services import files
from campaigns.services import summary as summary_service
from counseling.models import GuardianLink, StudentProfile

UPCOMING_TITLE = "12355心理健康服务活动周"
PARENTS_TITLE = "家长学校 · 本月家长课堂"
PARENT_FEEDBACK = "parent-class-feedback"  # the archives demo builds this questionnaire
DRAFT_STARTS_IN = 40  # days
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
COLOURS = ["#f4a261", "#2a9d8f", "#e9c46a", "#8ab17d", "#e76f51", "#90caf9", "#ce93d8", "#ffcc80"]
HIGHLIGHTS = """本次活动周以“关注心理健康，从我做起”为主题，历时一周。启动仪式上，全校师生在校园广场的签名墙上留下了自己的名字和心愿。

心理剧《成长的烦恼》由学生心理社团自编自演，吸引了一百多名同学报名观看；七年级心理健康知识讲座帮助新生了解情绪调节的基本方法。

各班积极参与宣传画比赛和主题黑板报评比，作品主题鲜明、形式多样，评委按主题、创意、画面和内容评分，评出一、二、三等奖及参与奖，并计入班级量化分。

活动结束一周内，心理咨询中心整理了活动照片和各班主题班会记录，连同本总结一并报送德育科。"""


def _font(size: int):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default()


def _picture(lines: list[str], colour: str, size=(600, 840), fmt="PNG") -> bytes:
    """A simple poster-like picture with a few lines of text (stands in for a photo of real work)."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([20, 20, size[0] - 20, size[1] - 20], outline="white", width=6)
    y = size[1] // 4
    for index, line in enumerate(lines):
        font = _font(46 if index == 0 else 30)
        draw.text((50, y), line, fill="white" if index == 0 else "#222222", font=font)
        y += 80 if index == 0 else 50
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, quality=85)
    return buffer.getvalue()


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF (Pillow writes PDF) for a class's report."""
    return _picture(lines, "#ffffff", size=(595, 842), fmt="PDF")


def _docx(text: str) -> bytes:
    """A minimal Word document (a zip with word/document.xml), as an essay entry."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _entry(contest, school_class, teacher, title: str, content: bytes, name: str, when) -> Entry:
    upload = _upload(name, content)
    mime = files.detect_type(upload)
    entry = Entry(contest=contest, school_class=school_class, title=title, submitted_by=teacher)
    files.attach(entry, upload, mime)
    entry.save()
    Entry.objects.filter(pk=entry.pk).update(submitted_at=when)
    return entry


def week_of_525(today: datetime.date) -> datetime.date:
    """The Monday of the last "5·25" week (the week of May 25) that ended at least a month ago, so
    that its contests are scored and its summary sent: the week is named after the day it was held."""
    year = today.year if today >= datetime.date(today.year, 7, 1) else today.year - 1
    may_25 = datetime.date(year, 5, 25)
    return may_25 - datetime.timedelta(days=may_25.weekday())


def finished_title(today: datetime.date) -> str:
    return f"{week_of_525(today).year}年“5·25”心理健康活动周"


def draft_title(today: datetime.date) -> str:
    """The draft month is named after the month it starts in (40 days from today)."""
    start = today + datetime.timedelta(days=DRAFT_STARTS_IN)
    return f"{start.year}年{start.month}月心理健康教育活动月"


def _finished(ctx: SimpleNamespace) -> None:
    head, counselor, moral = ctx.users["head"], ctx.users["counselor1"], ctx.users["moral"]
    start = week_of_525(ctx.today)
    campaign = campaign_service.create_from_blueprint(
        get_blueprint("525-week"), by=head, start_date=start, title=finished_title(ctx.today)
    )
    campaign.organisers.add(counselor)
    junior = [grade for grade in ctx.grades if grade.level <= 3]
    campaign.grades.set(junior)
    campaign_service.publish(campaign, by=head)

    # Students who signed up for the psychodrama.
    students = list(
        StudentProfile.objects.filter(school_class__grade__in=junior).select_related("user").order_by("student_number")
    )
    psychodrama = campaign.events.filter(registration_required=True).first()
    picked = ctx.rng.sample(students, min(86, len(students)))
    Registration.objects.bulk_create(Registration(event=psychodrama, student=profile.user) for profile in picked)

    classes = [school_class for school_class in ctx.classes if school_class.grade.level <= 3]
    poster = campaign.contests.get(kind=ContestKind.POSTER)
    blackboard = campaign.contests.get(kind=ContestKind.BLACKBOARD)
    for contest in (poster, blackboard):
        contest.judges.set([head, counselor, moral])
    for index, school_class in enumerate(classes):
        teacher = school_class.class_teacher
        colour = COLOURS[index % len(COLOURS)]
        for number in range(1, (2 if index % 3 else 1) + 1):
            title = f"关注心理健康 从我做起（{number}）"
            _entry(
                poster,
                school_class,
                teacher,
                title,
                _picture([str(school_class), title, "宣传画"], colour),
                f"poster-{number}.png",
                poster.deadline - datetime.timedelta(days=1, hours=index),
            )
        _entry(
            blackboard,
            school_class,
            teacher,
            "珍爱生命，关爱心灵",
            _picture([str(school_class), "主题黑板报", "珍爱生命 关爱心灵"], colour, size=(900, 600), fmt="JPEG"),
            "blackboard.jpg",
            blackboard.deadline - datetime.timedelta(hours=index + 2),
        )
    for contest in (poster, blackboard):
        criteria = list(Criterion.objects.filter(contest=contest))
        Score.objects.bulk_create(
            Score(
                entry=entry,
                judge=judge,
                criterion=criterion,
                points=ctx.rng.randint(criterion.max_points * 6 // 10, criterion.max_points),
            )
            for entry in contest.entries.all()
            for judge in (head, counselor, moral)
            for criterion in criteria
        )
        contest_service.finalise(contest, by=head)

    report = campaign.reports.get()
    for index, school_class in enumerate(classes[:-2]):
        upload = _upload("班会记录.pdf", _pdf([str(school_class), "主题班会活动记录", "珍爱生命，关爱心灵"]))
        submission = ReportSubmission(report=report, school_class=school_class, submitted_by=school_class.class_teacher)
        files.attach(submission, upload, files.PDF)
        submission.save()
        ReportSubmission.objects.filter(pk=submission.pk).update(
            submitted_at=report.deadline - datetime.timedelta(hours=index + 1)
        )

    sent = timezone.make_aware(
        datetime.datetime.combine(campaign.end_date + datetime.timedelta(days=5), datetime.time(16, 30))
    )
    campaign.tasks.update(status=TaskStatus.DONE, done_at=sent)
    summary = summary_service.save_summary(campaign, by=head, highlights=HIGHLIGHTS, participant_count=1260)
    for caption, colour in (("启动仪式签名墙", "#e76f51"), ("心理剧《成长的烦恼》", "#2a9d8f")):
        photo = _picture([caption, campaign.title], colour, size=(900, 600), fmt="JPEG")
        summary_service.add_photo(summary, by=head, upload=_upload("photo.jpg", photo), caption=caption)
    summary_service.submit(campaign, by=head)
    Summary.objects.filter(campaign=campaign).update(submitted_at=sent)


def _upcoming(ctx: SimpleNamespace) -> None:
    head, counselor, counselor2 = ctx.users["head"], ctx.users["counselor1"], ctx.users["counselor2"]
    start = ctx.today + datetime.timedelta(days=10)
    campaign = campaign_service.create_from_blueprint(
        get_blueprint("district-week"), by=head, start_date=start, title=UPCOMING_TITLE
    )
    campaign.organisers.add(counselor)
    essay = campaign.contests.get()
    essay.judges.set([head, counselor2])
    Task.objects.filter(campaign=campaign, due_date__gte=ctx.today, due_date__lt=start).update(owner=counselor)
    Task.objects.create(
        campaign=campaign,
        title="确认城市公园场地借用手续",
        owner=counselor,
        due_date=ctx.today - datetime.timedelta(days=1),
    )
    campaign_service.publish(campaign, by=head)

    teacher1_class = ctx.teacher1_class
    _entry(
        essay,
        teacher1_class,
        teacher1_class.class_teacher,
        "我的心灵成长故事",
        _docx("我的心灵成长故事：初一的第一个学期，我学会了和自己的情绪相处。"),
        "essay.docx",
        timezone.now(),
    )
    film = campaign.events.filter(registration_required=True, kind=EventKind.FILM).order_by("starts_at").first()
    Registration.objects.get_or_create(event=film, student=ctx.users["student1"])


def _draft(ctx: SimpleNamespace) -> None:
    campaign_service.create_from_blueprint(
        get_blueprint("month"),
        by=ctx.users["head"],
        start_date=ctx.today + datetime.timedelta(days=DRAFT_STARTS_IN),
        title=draft_title(ctx.today),
    )


def _local(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _parents_school(ctx: SimpleNamespace) -> None:
    head, counselor = ctx.users["head"], ctx.users["counselor1"]
    start = ctx.today - datetime.timedelta(days=10)
    campaign = campaign_service.save_campaign(
        Campaign(),
        by=head,
        data={
            "title": PARENTS_TITLE,
            "theme": "家校携手，陪伴成长",
            "kind": CampaignKind.MONTH,
            "start_date": start,
            "end_date": start + datetime.timedelta(days=30),
            "hosts": "心理辅导室、德育处",
            "for_students": False,
            "for_teachers": False,
            "for_parents": True,
            "goals": "每学期四次家长课堂、一次心理专题家长会（见学校工作计划）。",
            "summary_due_days": 7,
        },
        organisers=[counselor],
        grades=[],
    )
    junior = [grade for grade in ctx.grades if grade.level <= 3]
    held = Event.objects.create(
        campaign=campaign,
        kind=EventKind.PARENT_CLASS,
        title="家长课堂：如何与青春期的孩子沟通",
        description="青春期孩子的情绪特点、倾听与回应的方法、家庭中的冲突如何化解。",
        starts_at=_local(ctx.today - datetime.timedelta(days=7), 19),
        ends_at=_local(ctx.today - datetime.timedelta(days=7), 20),
        speaker="张晓雯（心理老师）",
        audience="初一年级家长",
        registration_required=True,
        capacity=80,
        is_published=True,
    )
    held.grades.set([grade for grade in ctx.grades if grade.level == 1])
    coming = Event.objects.create(
        campaign=campaign,
        kind=EventKind.PARENT_CLASS,
        title="家长课堂：考试季，怎样给孩子情绪支持",
        description="考试焦虑的信号、家庭里的作息与陪伴、什么时候需要联系心理老师。",
        starts_at=_local(ctx.today + datetime.timedelta(days=5), 19),
        ends_at=_local(ctx.today + datetime.timedelta(days=5), 20),
        speaker="赵明（心理老师）",
        audience="初中各年级家长",
        registration_required=True,
        capacity=60,
        is_published=True,
    )
    coming.grades.set(junior)
    meeting = Event.objects.create(
        campaign=campaign,
        kind=EventKind.PARENT_MEETING,
        title="心理专题家长会：关注孩子的心理健康",
        description="学校心理健康工作介绍、心理筛查的知情同意、家庭中的心理支持。",
        starts_at=_local(ctx.today + datetime.timedelta(days=12), 18),
        ends_at=_local(ctx.today + datetime.timedelta(days=12), 19),
        speaker="陈静（心理辅导室主任）",
        audience="全体家长",
        registration_required=True,
        is_published=True,
    )
    campaign_service.publish(campaign, by=head)

    # Families of teacher1's class with an account came to last week's class (signed up before it).
    links = list(
        GuardianLink.objects.filter(student__student_profile__school_class=ctx.teacher1_class, revoked_at=None)
        .select_related("guardian", "student")
        .order_by("student_id")
    )
    came = [link for link in links if link.guardian.username != "guardian1"][:8]
    for link in came:
        FamilyRegistration.objects.create(event=held, student=link.student, guardian=link.guardian)
    family_service.mark_attendance(held, by=counselor, attended=held.family_registrations.values_list("pk", flat=True))
    family_service.add_material(
        held,
        by=counselor,
        upload=_upload("slides.pdf", _pdf(["家长课堂：如何与青春期的孩子沟通", "倾听 · 回应 · 陪伴"])),
        title="课件：如何与青春期的孩子沟通",
    )
    if PARENT_FEEDBACK in {form.code for form in archives_contract.feedback_instruments()}:
        family_service.choose_feedback(held, by=counselor, code=PARENT_FEEDBACK)
    items = held.feedback_items
    for number, link in enumerate(came[:6] if items else []):
        answers = {item["id"]: item["options"][-1 - (number % 2)]["value"] for item in items}
        family_service.answer_feedback(held.pk, guardian=link.guardian, answers=answers)
    # One family has signed up for the next class; guardian1 has not yet (the demo's walk-through).
    if came:
        family_service.register(coming.pk, guardian=came[0].guardian, student_id=came[0].student_id)
    ctx.parent_events = [held, coming, meeting]


def seed(ctx: SimpleNamespace) -> None:
    with translation.override("zh-hans"):
        for title, make in (
            (finished_title(ctx.today), _finished),
            (UPCOMING_TITLE, _upcoming),
            (draft_title(ctx.today), _draft),
            (PARENTS_TITLE, _parents_school),
        ):
            if not Campaign.objects.filter(title=title).exists():
                make(ctx)
