"""The confidential case records. Every read goes through ``Case.objects.visible_to(user)``.

Nothing here is registered in the Django admin: administrators never see case content.
"""

from .cases import Case, FollowUp, Goal, Handover, Intake, RiskLowering
from .complaints import Complaint
from .concerns import Concern
from .crisis import Escalation
from .family import FamilyMessage
from .notes import NoteAddendum, SessionNote
from .referrals import Referral
from .signals import RiskSignal

__all__ = [
    "Case",
    "Complaint",
    "Concern",
    "Escalation",
    "FamilyMessage",
    "FollowUp",
    "Goal",
    "Handover",
    "Intake",
    "NoteAddendum",
    "Referral",
    "RiskLowering",
    "RiskSignal",
    "SessionNote",
]
