from .campaign import Campaign, Venue
from .contests import Contest, ContestAward, Criterion, Entry, Score
from .events import Event, Registration
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
    "Registration",
    "ReportSubmission",
    "RequiredReport",
    "Score",
    "Summary",
    "SummaryPhoto",
    "Task",
    "Venue",
]
