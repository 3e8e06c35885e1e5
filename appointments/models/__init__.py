from appointments.enums import AppointmentStatus

from .appointment import Appointment, CalendarFeed
from .groups import GroupParticipant, GroupSession
from .hours import ClosedDay, DutyRota, ExtraSession, OfficeRules, WeeklySchedule
from .mailbox import MailboxItem
from .waitlist import WaitlistEntry, WaitlistOffer

__all__ = [
    "Appointment",
    "AppointmentStatus",
    "CalendarFeed",
    "ClosedDay",
    "DutyRota",
    "ExtraSession",
    "GroupParticipant",
    "GroupSession",
    "MailboxItem",
    "OfficeRules",
    "WaitlistEntry",
    "WaitlistOffer",
    "WeeklySchedule",
]
