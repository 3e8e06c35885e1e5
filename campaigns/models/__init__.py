from .campaign import Campaign, Venue
from .contests import Contest, ContestAward, Criterion, Entry, Score
from .events import Event, Registration
from .families import EventMaterial, FamilyRegistration, FeedbackCount, FeedbackMarker
from .reports import ReportSubmission, RequiredReport
from .summary import Summary, SummaryPhoto
from .work import Task

__all__ = [
    "Campaign",
    "Contest",
    "ContestAward",
    "Criterion",
    "Entry",
    "Event",
    "EventMaterial",
    "FamilyRegistration",
    "FeedbackCount",
    "FeedbackMarker",
    "Registration",
    "ReportSubmission",
    "RequiredReport",
    "Score",
    "Summary",
    "SummaryPhoto",
    "Task",
    "Venue",
]
