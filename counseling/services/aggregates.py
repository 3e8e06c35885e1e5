"""Small-cell suppression: the one rule for every aggregate a leader or an administrator sees.

Any group of fewer than ``SMALL_CELL`` students -- none included -- shows as "<5" instead of a
number. Where a row's total is shown too, hiding one small cell is not enough (the total minus
the others gives it back), so when exactly one cell is small the smallest other cell is hidden
as well and shows "—" (complementary suppression).
"""

from __future__ import annotations

from collections.abc import Mapping

SMALL_CELL = 5
SUPPRESSED = "<5"
# A cell that is not small but is hidden so that a small one beside it cannot be worked out.
HIDDEN = "—"


def suppress(count: int, *, exact: bool = False) -> int | str:
    """``count`` as it may be shown: "<5" for any count under 5 (none included), unless ``exact``."""
    if exact or count >= SMALL_CELL:
        return count
    return SUPPRESSED


def suppress_row(counts: Mapping, *, exact: bool = False) -> dict:
    """A row of counts (key -> int) whose total is shown, as it may be shown.

    Small cells show "<5". When exactly one cell is small, the smallest other cell shows "—"
    so the small one cannot be recomputed from the total.
    """
    if exact:
        return dict(counts)
    shown: dict = {key: suppress(value) for key, value in counts.items()}
    small = [key for key, value in shown.items() if value == SUPPRESSED]
    if len(small) == 1 and len(counts) > 1:
        others = sorted((value, index) for index, (key, value) in enumerate(counts.items()) if key not in small)
        partner = list(counts)[others[0][1]]
        shown[partner] = HIDDEN
    return shown
