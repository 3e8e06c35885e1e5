"""What the case records can do, as named functions; each docstring lists its side effects.

Other apps use ``open_case``, ``escalate`` and ``archive_facts`` (see the contracts between the
apps); views call the functions of the submodules.
"""

from .cases import CaseAlreadyOpenError, GuardianContactMissingError, colleague_holding, open_case, update_case
from .crisis import acknowledge, escalate, record_crisis_event, resend_unacknowledged
from .facts import archive_facts

__all__ = [
    "CaseAlreadyOpenError",
    "GuardianContactMissingError",
    "acknowledge",
    "archive_facts",
    "colleague_holding",
    "escalate",
    "open_case",
    "record_crisis_event",
    "resend_unacknowledged",
    "update_case",
]
