"""Campaign templates, modelled on the schools' own plans (shared/seeds/004_*.txt).

A template is data: days and times are offsets from the campaign's first day, texts come in both
interface languages and are copied in the creator's language. ``campaigns.services.campaigns.
create_from_blueprint`` turns one into a draft campaign that the organiser then adjusts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language

from campaigns.enums import CampaignKind, ContestKind, EventKind


@dataclass(frozen=True)
class T:
    """A text in Chinese and English."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "").startswith("en") else self.zh


@dataclass(frozen=True)
class EventSpec:
    day: int
    start: str
    minutes: int
    kind: EventKind
    title: T
    venue: T | None = None
    speaker: T | None = None
    audience: T | None = None
    description: T | None = None
    capacity: int | None = None  # a number means students register


@dataclass(frozen=True)
class ContestSpec:
    kind: ContestKind
    title: T
    requirements: T
    deadline_day: int
    deadline_time: str
    criteria: tuple[tuple[T, int], ...]
    entries_per_class: int = 1


@dataclass(frozen=True)
class ReportSpec:
    title: T
    instructions: T
    deadline_day: int
    deadline_time: str = "17:00"


@dataclass(frozen=True)
class TaskSpec:
    title: T
    due_day: int  # relative to the first day; negative is before it


@dataclass(frozen=True)
class Blueprint:
    code: str
    name: T
    description: T
    kind: CampaignKind
    days: int
    theme: T
    hosts: T
    goals: T
    for_parents: bool = False
    events: tuple[EventSpec, ...] = ()
    contests: tuple[ContestSpec, ...] = ()
    reports: tuple[ReportSpec, ...] = ()
    tasks: tuple[TaskSpec, ...] = field(default=())


SCHOOL_SQUARE = T("校园广场", "School square")
HALL = T("学校报告厅", "Lecture hall")
AUDITORIUM = T("学校礼堂", "Auditorium")

POSTER_CRITERIA = (
    (T("主题鲜明", "Clear theme"), 30),
    (T("创意新颖", "Originality"), 30),
    (T("画面美观", "Visual design"), 20),
    (T("内容科学", "Sound content"), 20),
)
BLACKBOARD_CRITERIA = (
    (T("紧扣主题", "On theme"), 30),
    (T("内容充实", "Content"), 40),
    (T("版面设计", "Layout"), 30),
)
ESSAY_CRITERIA = (
    (T("立意", "Idea"), 30),
    (T("内容", "Content"), 40),
    (T("文采", "Style"), 20),
    (T("书写规范", "Form"), 10),
)
CLASS_MEETING_REPORT = ReportSpec(
    title=T("主题班会活动记录", "Class-meeting report"),
    instructions=T(
        "各班围绕活动主题自定议题召开主题班会，班会结束后上交活动记录（教案或照片，电子版）。",
        "Each class holds a class meeting on the campaign's theme and hands in its record (plan or photos, electronic).",
    ),
    deadline_day=6,
)

BLUEPRINTS: tuple[Blueprint, ...] = (
    Blueprint(
        code="525-week",
        name=T("“5·25”心理健康活动周", "5·25 mental health week"),
        description=T(
            "启动仪式与签名墙、心理剧、宣传画和黑板报评比（8/6/4/2分）、七年级讲座、主题班会。",
            "Launch with a signature wall, psychodrama, poster and blackboard contests (8/6/4/2 points), "
            "a lecture for grade 7, class meetings.",
        ),
        kind=CampaignKind.WEEK,
        days=7,
        theme=T("关注心理健康，从我做起", "Care for your mind, starting with me"),
        hosts=T("校心理咨询中心、学生处、各班班主任", "Counseling centre, student affairs, class teachers"),
        goals=T(
            "增强师生的心理健康意识，营造积极向上的校园心理氛围，扩大心理健康服务的影响力。",
            "Raise awareness of mental health among students and staff, build a positive school climate, "
            "make the counseling service known.",
        ),
        events=(
            EventSpec(
                0,
                "10:00",
                20,
                EventKind.LAUNCH,
                T("启动仪式暨“关注心理健康，从我做起”签名活动", "Launch ceremony and signature wall"),
                venue=SCHOOL_SQUARE,
                audience=T("全校师生", "All students and staff"),
                speaker=T("校长", "Principal"),
            ),
            EventSpec(
                2,
                "16:30",
                60,
                EventKind.PSYCHODRAMA,
                T("心理剧展演《成长的烦恼》", "Psychodrama: Growing pains"),
                venue=AUDITORIUM,
                audience=T("初中学生（报名参加）", "Lower-secondary students (sign up)"),
                speaker=T("学生心理社团", "Student psychology club"),
                capacity=120,
            ),
            EventSpec(
                5,
                "14:00",
                90,
                EventKind.LECTURE,
                T("心理健康知识讲座", "Lecture: knowing your mind"),
                venue=HALL,
                audience=T("全体七年级学生", "All grade 7 students"),
                speaker=T("心理辅导教师", "School counselor"),
                description=T(
                    "心理健康的基本知识和应对心理问题的技巧。",
                    "Basics of mental health and ways to cope with problems.",
                ),
            ),
            EventSpec(
                6,
                "15:10",
                40,
                EventKind.CLASS_MEETING,
                T("“珍爱生命，关爱心灵”主题班会", "Class meeting: Cherish life, care for the mind"),
                audience=T("各班学生，在本班教室", "Every class, in its classroom"),
                speaker=T("各班班主任", "Class teachers"),
            ),
        ),
        contests=(
            ContestSpec(
                ContestKind.POSTER,
                T("心理健康知识宣传画比赛", "Mental health poster contest"),
                T(
                    "围绕“关注心理健康，从我做起”主题制作宣传画，每班提交两幅。设一、二、三等奖及参与奖，班级量化分分别加8、6、4、2分。",
                    "Two posters per class on the week's theme. First, second, third and participation awards add "
                    "8, 6, 4 and 2 class points.",
                ),
                deadline_day=5,
                deadline_time="08:00",
                criteria=POSTER_CRITERIA,
                entries_per_class=2,
            ),
            ContestSpec(
                ContestKind.BLACKBOARD,
                T("“珍爱生命，关爱心灵”主题黑板报", "Blackboard newspaper: Cherish life, care for the mind"),
                T(
                    "各班以“珍爱生命，关爱心灵”为主题出一期黑板报，拍照上交。",
                    "Each class makes one blackboard newspaper on the theme and uploads a photo.",
                ),
                deadline_day=5,
                deadline_time="08:00",
                criteria=BLACKBOARD_CRITERIA,
            ),
        ),
        reports=(CLASS_MEETING_REPORT,),
        tasks=(
            TaskSpec(T("制定活动方案并报德育处", "Write the plan and send it to moral education"), -7),
            TaskSpec(T("通知各班主任评比要求", "Tell class teachers the contest rules"), -3),
            TaskSpec(T("准备签名墙和宣传横幅", "Prepare the signature wall and banners"), -1),
            TaskSpec(T("组织宣传画与黑板报评比", "Run the poster and blackboard judging"), 5),
            TaskSpec(T("收集照片和报道，撰写活动总结", "Collect photos and reports, write the summary"), 10),
        ),
    ),
    Blueprint(
        code="district-week",
        name=T("心理健康服务活动周（区级）", "District mental health week"),
        description=T(
            "启动仪式、三场专家讲座、两场电影、城市公园现场咨询、展板展览、主题征文、总结大会。",
            "Launch, three expert lectures, two films, counseling booths in the park, an exhibition, "
            "an essay contest, a closing ceremony.",
        ),
        kind=CampaignKind.WEEK,
        days=7,
        theme=T("关注心理健康，共建美好未来", "Care for mental health, build a good future together"),
        hosts=T("共青团市委员会、本校心理健康服务中心", "City Youth League committee and our counseling centre"),
        goals=T(
            "普及心理健康知识，帮助青少年了解心理现象、掌握心理调节方法，培养自尊、自爱、自律、自强的精神风貌。",
            "Spread knowledge of mental health, help young people understand themselves and learn to cope, "
            "foster self-respect and self-discipline.",
        ),
        for_parents=True,
        events=(
            EventSpec(
                0,
                "10:00",
                60,
                EventKind.LAUNCH,
                T("活动周启动仪式", "Launch ceremony"),
                venue=AUDITORIUM,
                audience=T("全体师生", "All students and staff"),
                speaker=T("团市委领导", "Youth League leaders"),
                description=T(
                    "宣布活动启动；心理健康志愿者代表发言；领导讲话；主题签名活动。",
                    "Opening; a word from student volunteers; speeches; signature wall.",
                ),
            ),
            EventSpec(
                0,
                "14:00",
                90,
                EventKind.LECTURE,
                T("讲座《如何调节考试压力》", "Lecture: Handling exam stress"),
                venue=HALL,
                speaker=T("心理学专家 王丰", "Wang Feng, psychologist"),
                audience=T("初三、高三学生（报名参加）", "Graduating students (sign up)"),
                capacity=150,
            ),
            EventSpec(
                1,
                "15:00",
                100,
                EventKind.FILM,
                T("心理健康电影欣赏《心灵的旅程》", "Film: Journey of the mind"),
                venue=AUDITORIUM,
                audience=T("全体学生（报名参加）", "All students (sign up)"),
                capacity=300,
            ),
            EventSpec(
                2,
                "14:00",
                90,
                EventKind.LECTURE,
                T("讲座《青少年心理健康教育》", "Lecture: Mental health of adolescents"),
                venue=HALL,
                speaker=T("心理咨询师 李梅", "Li Mei, counselor"),
                audience=T("班主任和家长", "Class teachers and parents"),
            ),
            EventSpec(
                3,
                "13:30",
                120,
                EventKind.BOOTH,
                T("现场心理咨询：人际关系", "Counseling booth: relationships"),
                venue=T("城市公园·咨询台A", "City park, booth A"),
                speaker=T("李梅", "Li Mei"),
                audience=T("学生和家长", "Students and parents"),
            ),
            EventSpec(
                3,
                "13:30",
                120,
                EventKind.BOOTH,
                T("现场心理咨询：学习方法指导", "Counseling booth: study skills"),
                venue=T("城市公园·咨询台B", "City park, booth B"),
                speaker=T("王丰", "Wang Feng"),
                audience=T("学生和家长", "Students and parents"),
            ),
            EventSpec(
                3,
                "13:30",
                120,
                EventKind.BOOTH,
                T("现场心理咨询：情绪管理支持", "Counseling booth: managing emotions"),
                venue=T("城市公园·咨询台C", "City park, booth C"),
                speaker=T("张强", "Zhang Qiang"),
                audience=T("学生和家长", "Students and parents"),
            ),
            EventSpec(
                3,
                "13:30",
                120,
                EventKind.EXHIBITION,
                T("心理健康知识展板宣传", "Exhibition of mental health boards"),
                venue=T("学校宣传长廊", "School exhibition corridor"),
                description=T(
                    "心理健康名言、诗歌、优秀作品展览及心理知识问答。",
                    "Sayings, poems, the best works of the contests and a quiz.",
                ),
                audience=T("全体师生", "All students and staff"),
            ),
            EventSpec(
                4,
                "14:00",
                90,
                EventKind.LECTURE,
                T("讲座《网络时代的心理健康》", "Lecture: Mental health in the internet age"),
                venue=HALL,
                speaker=T("心理辅导员 张强", "Zhang Qiang, counselor"),
                audience=T("初中学生（报名参加）", "Lower-secondary students (sign up)"),
                capacity=150,
            ),
            EventSpec(
                5,
                "15:00",
                100,
                EventKind.FILM,
                T("心理健康电影欣赏《网络中的孤独》", "Film: Alone online"),
                venue=AUDITORIUM,
                audience=T("全体学生（报名参加）", "All students (sign up)"),
                capacity=300,
            ),
            EventSpec(
                6,
                "16:00",
                60,
                EventKind.CLOSING,
                T("活动周总结大会", "Closing ceremony"),
                venue=AUDITORIUM,
                audience=T("全体师生", "All students and staff"),
                description=T(
                    "宣布活动闭幕；活动总结发言；心理健康主题文艺节目。",
                    "Closing words; the week in review; a show on the theme.",
                ),
            ),
        ),
        contests=(
            ContestSpec(
                ContestKind.ESSAY,
                T("“心灵成长的故事”主题征文", "Essay contest: Stories of growing up"),
                T(
                    "内容积极向上，结合青少年生活实际，提交电子稿件（Word或PDF），每班最多三篇。",
                    "Positive, drawn from students' own lives; electronic copies (Word or PDF), up to three per class.",
                ),
                deadline_day=5,
                deadline_time="12:00",
                criteria=ESSAY_CRITERIA,
                entries_per_class=3,
            ),
        ),
        reports=(CLASS_MEETING_REPORT,),
        tasks=(
            TaskSpec(T("成立活动领导小组并明确分工", "Set up the steering group and share out the work"), -14),
            TaskSpec(T("邀请讲座专家并确认时间", "Invite the lecturers and confirm times"), -7),
            TaskSpec(T("活动宣传（广播、网络、升旗仪式）", "Announce the week (radio, website, flag ceremony)"), -2),
            TaskSpec(T("布置城市公园咨询点", "Set up the booths in the city park"), 2),
            TaskSpec(
                T("活动结束一周内将亮点活动和报道（含图片）发送至德育科", "Send highlights and photos to the district"),
                13,
            ),
        ),
    ),
    Blueprint(
        code="month",
        name=T("心理健康教育活动月", "Mental health month"),
        description=T(
            "国旗下讲话启动、班主任讲座、心理专题家长会、趣味运动会、黑板报评比、心理小论文征集。",
            "Launch at the flag ceremony, a talk for class teachers, a parents' evening, a fun sports day, "
            "a blackboard contest and an essay call.",
        ),
        kind=CampaignKind.MONTH,
        days=30,
        theme=T("和谐心灵，健康发展", "A calm mind, a healthy growth"),
        hosts=T("学校心理健康服务中心", "Counseling centre"),
        goals=T(
            "普及心理健康知识，营造良好的心理健康教育氛围，增强师生对自身及他人心理健康的关注。",
            "Spread knowledge of mental health and make everyone attentive to their own and others' well-being.",
        ),
        for_parents=True,
        events=(
            EventSpec(
                0,
                "07:40",
                20,
                EventKind.LAUNCH,
                T("国旗下讲话：和谐心灵，健康发展", "Flag ceremony talk"),
                venue=T("操场", "Sports ground"),
                audience=T("全校师生", "All students and staff"),
            ),
            EventSpec(
                7,
                "16:00",
                90,
                EventKind.LECTURE,
                T("班主任心理辅导知识讲座", "Talk for class teachers: counseling in class"),
                venue=T("会议室", "Meeting room"),
                audience=T("全体班主任", "All class teachers"),
            ),
            EventSpec(
                14,
                "19:00",
                90,
                EventKind.PARENT_SESSION,
                T("心理专题家长会", "Parents' evening on mental health"),
                venue=HALL,
                audience=T("家长", "Parents"),
            ),
            EventSpec(
                21,
                "14:30",
                120,
                EventKind.SPORTS,
                T("阳光心理趣味运动会", "Fun sports afternoon"),
                venue=T("操场", "Sports ground"),
                audience=T("全体学生", "All students"),
            ),
            EventSpec(
                29,
                "16:00",
                45,
                EventKind.CLOSING,
                T("活动月总结与表彰", "Closing and awards"),
                venue=HALL,
                audience=T("学生代表和班主任", "Student delegates and class teachers"),
            ),
        ),
        contests=(
            ContestSpec(
                ContestKind.BLACKBOARD,
                T("心理健康主题黑板报评比", "Blackboard newspaper contest"),
                T(
                    "围绕活动主题出一期黑板报，拍照后上交电子照片。",
                    "One blackboard newspaper on the theme; upload a photo.",
                ),
                deadline_day=18,
                deadline_time="17:00",
                criteria=BLACKBOARD_CRITERIA,
            ),
            ContestSpec(
                ContestKind.ESSAY,
                T("学生心理小论文征集", "Student essays on psychology"),
                T(
                    "学生独立撰写，主题可包括自我认知、情绪调控、人际交往、学习心理、青春期心理等，严禁抄袭。",
                    "Written by the students themselves on self-knowledge, emotions, relationships, learning or "
                    "adolescence; no copying.",
                ),
                deadline_day=25,
                deadline_time="17:00",
                criteria=ESSAY_CRITERIA,
                entries_per_class=2,
            ),
        ),
        reports=(
            ReportSpec(
                title=CLASS_MEETING_REPORT.title,
                instructions=CLASS_MEETING_REPORT.instructions,
                deadline_day=28,
            ),
        ),
        tasks=(
            TaskSpec(T("编印《心理健康知识》宣传册并发放到各班", "Print the mental health booklet for every class"), 3),
            TaskSpec(T("电子屏和宣传栏展示宣传标语", "Put the slogans on screens and boards"), 1),
            TaskSpec(T("整理活动资料并归档", "File the month's materials"), 35),
        ),
    ),
)


def get_blueprint(code: str) -> Blueprint | None:
    return next((blueprint for blueprint in BLUEPRINTS if blueprint.code == code), None)
