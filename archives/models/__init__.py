"""The archives app: instruments, screenings and their answers, warnings, the focus list, zero reports."""

from .focus import ClassLogEntry, FocusEntry, FocusLevel, FocusReview
from .instruments import Instrument, InstrumentSource
from .screenings import (
    Invitation,
    InvitationStatus,
    Result,
    Screening,
    ScreeningInstrument,
    ScreeningStatus,
    Submission,
    SubmissionSource,
    TargetScope,
)
from .staff import GradeCounselor
from .visits import HomeVisit, VisitChannel, VisitTopic
from .warnings import ScreeningWarning, WarningStatus
from .zero import ReportingWindow, ZeroReport

__all__ = [
    "ClassLogEntry",
    "FocusEntry",
    "FocusLevel",
    "FocusReview",
    "GradeCounselor",
    "HomeVisit",
    "Instrument",
    "InstrumentSource",
    "Invitation",
    "InvitationStatus",
    "ReportingWindow",
    "Result",
    "Screening",
    "ScreeningInstrument",
    "ScreeningStatus",
    "ScreeningWarning",
    "Submission",
    "SubmissionSource",
    "TargetScope",
    "VisitChannel",
    "VisitTopic",
    "WarningStatus",
    "ZeroReport",
]
