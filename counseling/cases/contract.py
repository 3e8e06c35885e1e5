"""What the other feature apps may ask of the case records: this module, and nothing else.

The allowed cross-app calls (docs/architecture.md, "The contract between the features"): raise a
risk signal (every road where a student may not be safe; a crisis signal starts the crisis path),
open a case for a student (or find the open one), the few non-clinical facts about a
student's case that the archive page shows, and the addresses of a student's case as a given user
may reach it (``case_links``: the agenda links a name to the case and offers to write the note). The enums are the arguments of those calls.
A feature that needs more adds it here, where the whole contract can be read at once.
"""

from __future__ import annotations

from counseling.cases.enums import CaseSource, RiskLevel, Severity, SignalReason, SignalSource
from counseling.cases.services.cases import open_case
from counseling.cases.services.facts import archive_facts
from counseling.cases.services.links import CaseLinks, case_links
from counseling.cases.services.signals import raise_signal

__all__ = [
    "CaseLinks",
    "CaseSource",
    "RiskLevel",
    "Severity",
    "SignalReason",
    "SignalSource",
    "archive_facts",
    "case_links",
    "open_case",
    "raise_signal",
]
