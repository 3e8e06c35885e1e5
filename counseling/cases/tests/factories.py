"""factory-boy factories for the case records (they write rows directly: no audit, no notices)."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from counseling.cases.enums import (
    CaseSource,
    CaseStatus,
    ComplaintTopic,
    RiskLevel,
    Severity,
    SignalReason,
    SignalSource,
)
from counseling.cases.models import (
    Case,
    Complaint,
    Concern,
    Escalation,
    FollowUp,
    Goal,
    Intake,
    NoteAddendum,
    Referral,
    RiskSignal,
    SessionNote,
)
from counseling.enums import Channel

NOTE_WORDS = "她说最近总是失眠，担心期末考试，和同桌吵架后不想上学"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    source = CaseSource.SELF_BOOKED
    risk_level = RiskLevel.LOW
    status = CaseStatus.OPEN
    opened_by = factory.SelfAttribute("counselor")
    closed_at = factory.LazyAttribute(lambda case: timezone.now() if case.status == CaseStatus.CLOSED else None)


class IntakeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intake

    case = factory.SubFactory(CaseFactory)
    author = factory.SelfAttribute("case.counselor")
    narrative = "初次来访，情绪低落，睡眠差。"


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    description = "每周至少三天按时入睡"
    approach = "睡眠日记与放松训练"


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    purpose = "回访睡眠情况"


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SessionNote

    author = factory.SelfAttribute("case.counselor")
    channel = Channel.FACE_TO_FACE
    duration_minutes = 45
    techniques = ["active_listening"]
    content = NOTE_WORDS
    analysis = "考试焦虑为主，人际冲突为诱因。"
    next_steps = "下周练习腹式呼吸。"


class AddendumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NoteAddendum

    author = factory.SelfAttribute("note.author")
    text = "补充：家长已知情。"


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    institution = "市精神卫生中心"
    reason = "持续抑郁症状，需要专科评估"
    created_by = factory.SelfAttribute("case.counselor")


class EscalationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Escalation

    student = factory.SelfAttribute("case.student")
    source = CaseSource.CRISIS
    risk_level = RiskLevel.HIGH
    raised_by = factory.SelfAttribute("case.counselor")
    narrative = "课间在天台边徘徊，被同学发现"
    rounds_sent = 1
    last_sent_at = factory.LazyFunction(timezone.now)


class ConcernFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Concern

    description = "最近上课常常走神，午饭也不吃"


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    topic = ComplaintTopic.SERVICE
    description = "预约后等了很久没人接待"


class RiskSignalFactory(factory.django.DjangoModelFactory):
    """A signal row as ``raise_signal`` leaves it, without its notices (use the service for those)."""

    class Meta:
        model = RiskSignal

    source = SignalSource.REFERRAL
    severity = Severity.URGENT
    reason = SignalReason.URGENT
    source_key = factory.Sequence(lambda n: f"tests:signal:{n}")
    rounds_sent = 1
    last_sent_at = factory.LazyFunction(timezone.now)
