"""What the archives app does, as named functions grouped by feature; docstrings list side effects.

Other apps use ``responsible_counselor`` (see the contracts between the apps). Small-cell
suppression for aggregate figures lives in ``archives.services.aggregates`` (``suppress`` and
``suppress_row``) so the reports can reuse it.
"""

from .people import head_counselor, responsible_counselor

__all__ = ["head_counselor", "responsible_counselor"]
