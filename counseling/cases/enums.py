"""Choices of the case records, as translated enums."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseSource(models.TextChoices):
    """How a case came to the office."""

    SELF_BOOKED = "self_booked", _("Self-booked")
    MAILBOX = "mailbox", _("Mailbox")
    TEACHER_REFERRAL = "teacher_referral", _("Class-teacher referral")
    SCREENING_WARNING = "screening_warning", _("Screening warning")
    CRISIS = "crisis", _("Crisis")


class RiskLevel(models.TextChoices):
    NONE = "none", _("None")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    IMMINENT = "imminent", _("Imminent")

    @classmethod
    def rank(cls, value: str) -> int:
        """Position of a level on the scale, so levels can be compared (none = 0 ... imminent = 4)."""
        return list(cls.values).index(value)

    @classmethod
    def escalating(cls) -> tuple[str, ...]:
        """The levels that start the crisis path."""
        return (cls.HIGH, cls.IMMINENT)


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FOLLOW_UP = "follow_up", _("Follow-up")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")


class IntakeMethod(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire")
    BOTH = "both", _("Interview and questionnaire")


class Functioning(models.TextChoices):
    """How much a concern affects one area of the student's life."""

    NOT_AFFECTED = "not_affected", _("Not affected")
    MILD = "mild", _("Mildly affected")
    MODERATE = "moderate", _("Moderately affected")
    SEVERE = "severe", _("Severely affected")


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class FollowUpStatus(models.TextChoices):
    DUE = "due", _("Due")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Technique(models.TextChoices):
    """Counseling techniques a session may use."""

    ACTIVE_LISTENING = "active_listening", _("Active listening")
    COGNITIVE = "cognitive", _("Cognitive restructuring")
    BEHAVIOURAL = "behavioural", _("Behavioural activation")
    SOLUTION_FOCUSED = "solution_focused", _("Solution-focused questions")
    RELAXATION = "relaxation", _("Relaxation training")
    PSYCHOEDUCATION = "psychoeducation", _("Psychoeducation")
    SAND_TRAY = "sand_tray", _("Sand tray")
    ART = "art", _("Art and expression")
    FAMILY = "family", _("Family involvement")
    SAFETY_PLAN = "safety_plan", _("Safety planning")


class ReferralStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    MADE = "made", _("Referred")
    ATTENDED = "attended", _("Attended")
    DECLINED = "declined", _("Declined by family")
    CLOSED = "closed", _("Closed")


class ComplaintTopic(models.TextChoices):
    SERVICE = "service", _("The service")
    STAFF = "staff", _("A staff member")
    PRIVACY = "privacy", _("Privacy")
    BOOKING = "booking", _("Booking and opening hours")
    OTHER = "other", _("Other")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("Being handled")
    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Not upheld")


class ReferralUrgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")


class ConcernStatus(models.TextChoices):
    """A class teacher's or committee member's referral, as the office handles it."""

    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Taken up")
    NO_CASE = "no_case", _("Handled without a case")


class SignalSource(models.TextChoices):
    """Where a risk signal came from (预防·预警·干预: every road where a student may not be safe)."""

    SCREENING_ITEM = "screening_item", _("Screening: critical item answered")
    SCREENING_TOTAL = "screening_total", _("Screening: total over the threshold")
    ANONYMOUS_SCREENING = "anonymous_screening", _("Anonymous screening: critical item answered")
    REFERRAL = "referral", _("Referral")
    BOOKING_TOPIC = "booking_topic", _("Booking topic")
    MAILBOX = "mailbox", _("Mailbox letter")
    ZERO_REPORT = "zero_report", _("Zero report: incident reported")
    CLASS_LOG = "class_log", _("Class log: concern")
    CASE_RISK = "case_risk", _("Case risk raised")


class Severity(models.TextChoices):
    """How soon a responsible adult must act on a risk signal."""

    WATCH = "watch", _("Watch")
    URGENT = "urgent", _("Urgent")
    CRISIS = "crisis", _("Crisis")

    @classmethod
    def rank(cls, value: str) -> int:
        return list(cls.values).index(value)

    @classmethod
    def risk_level(cls, value: str) -> str:
        """The least risk level a case may show while a signal of this severity is open."""
        return {cls.WATCH: RiskLevel.LOW, cls.URGENT: RiskLevel.MEDIUM, cls.CRISIS: RiskLevel.HIGH}[value]


class SignalStatus(models.TextChoices):
    # "Open" alone is a case's status (进行中); an open signal is one nobody has handled (未处理).
    OPEN = "open", pgettext_lazy("risk signal", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DISMISSED = "dismissed", _("Dismissed")


class SignalReason(models.TextChoices):
    """The short neutral reason a signal carries: what kind of thing happened, never its content."""

    CRITICAL_ITEM = "critical_item", _("A critical item was answered")
    HIGH_TOTAL = "high_total", _("A screening total is over the threshold")
    RISK_CATEGORY = "risk_category", _("A concern category that signals risk")
    URGENT = "urgent", _("Marked urgent")
    RISK_WORDS = "risk_words", _("Words on the school's risk list")
    INCIDENT = "incident", _("An incident was reported")
    TEACHER_CONCERN = "teacher_concern", _("A class teacher's concern")
    RISK_RAISED = "risk_raised", _("The case's risk level was raised")
