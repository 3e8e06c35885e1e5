from .audit import AuditCheck, AuditEntry
from .catalog import ConcernCategory
from .consent import ConsentRecord
from .family import ConsentRequest, FamilyNotice, GuardianInvitation, GuardianLink
from .notify import Notification, OutboxMessage
from .ops import Heartbeat
from .people import Grade, SchoolClass, StudentProfile, Term, User
from .staff import StaffRequest

__all__ = [
    "AuditCheck",
    "AuditEntry",
    "ConcernCategory",
    "ConsentRecord",
    "ConsentRequest",
    "FamilyNotice",
    "Grade",
    "GuardianInvitation",
    "GuardianLink",
    "Heartbeat",
    "Notification",
    "OutboxMessage",
    "SchoolClass",
    "StaffRequest",
    "StudentProfile",
    "Term",
    "User",
]
