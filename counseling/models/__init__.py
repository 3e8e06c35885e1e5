from .audit import AuditEntry
from .catalog import ConcernCategory
from .notify import Notification, OutboxMessage
from .people import Grade, SchoolClass, StudentProfile, Term, User

__all__ = [
    "AuditEntry",
    "ConcernCategory",
    "Grade",
    "Notification",
    "OutboxMessage",
    "SchoolClass",
    "StudentProfile",
    "Term",
    "User",
]
