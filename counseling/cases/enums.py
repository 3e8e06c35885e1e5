"""Choices of the case records, as translated enums."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
