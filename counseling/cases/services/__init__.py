"""What the case records can do, as named functions; each docstring lists its side effects.

Other apps reach them only through ``counseling.cases.contract`` (docs/architecture.md); views
call the functions of the submodules.
"""

from .cases import CaseAlreadyOpenError, GuardianContactMissingError, colleague_holding, open_case
from .crisis import acknowledge, escalate, record_crisis_event, resend_unacknowledged
from .facts import archive_facts
from .risk import RiskFloorError, update_case

__all__ = [
    "CaseAlreadyOpenError",
    "GuardianContactMissingError",
    "RiskFloorError",
    "acknowledge",
    "archive_facts",
    "colleague_holding",
    "escalate",
    "open_case",
    "record_crisis_event",
    "resend_unacknowledged",
    "update_case",
]
