from .audit import AuditCheck, AuditEntry
from .catalog import ConcernCategory
from .consent import ConsentRecord
from .family import GuardianLink
from .notify import Notification, OutboxMessage
from .ops import Heartbeat
from .people import Grade, SchoolClass, StudentProfile, Term, User
from .staff import StaffRequest

__all__ = [
    "AuditCheck",
    "AuditEntry",
    "ConcernCategory",
    "ConsentRecord",
    "Grade",
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
