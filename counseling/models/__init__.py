from .audit import AuditEntry
from .catalog import ConcernCategory
from .notify import Notification, OutboxMessage
from .ops import Heartbeat
from .people import Grade, SchoolClass, StudentProfile, Term, User

__all__ = [
    "AuditEntry",
    "ConcernCategory",
    "Grade",
    "Heartbeat",
    "Notification",
    "OutboxMessage",
    "SchoolClass",
    "StudentProfile",
    "Term",
    "User",
]
