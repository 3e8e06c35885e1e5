"""Disclosure control: the one rule for every count that a leader, an administrator or a file shows.

A published table is a set of counts plus what its reader knows about them: row and column totals,
a grand total, "of which" figures, the same count printed twice, shares. Hiding each small count
alone is not enough: the total minus the shown cells, a share ("7 invited, 43 % answered") or the
mere presence of a row gives it back. So every aggregate is described as a ``Sheet`` -- counts by
key and the linear relations between them -- and ``Sheet.protect`` decides what may be shown.

The rule (SMALL_CELL = 5):

1. Primary suppression: every count under 5 is hidden -- *zero included*. A published 0 beside a
   hidden cell tells the reader the hidden one is 1-4, and a category that shows "0" when empty
   but "*" when it holds one student tells them apart; so a 0 is hidden like a 1. Tables list
   their full category set (empty groups too), so a row's presence says nothing either.
2. Every hidden cell shows the same mark, ``HIDDEN`` ("*"), whether it is small or was hidden to
   protect a small one: the reader learns only that it is a whole number >= 0.
3. Complementary suppression: a relation (a total = the sum of its parts, or parts <= a whole)
   with exactly one hidden cell gives that cell back, and one whose hidden cells add up to less
   than ``SMALL_CELL - 1`` pins them down; in both cases the smallest shown cell of the relation
   is hidden too. Repeated until nothing changes.
4. Then the check the tests make (counseling/tests/disclosure_check.py does it independently,
   from what is shown): for every hidden cell, linear programming (scipy's HiGHS) finds the least
   and the greatest value it can take given every shown count and every relation. If that
   interval is narrower than ``SMALL_CELL - 1`` (fewer than five whole numbers fit), one more
   cell is hidden next to it and the check runs again. A sheet whose cells are all hidden always
   passes, so this ends.
5. A figure computed from counts (a share, a median time) is shown only when every count it is
   computed from is shown (``Sheet.derived``).

Counselors see exact figures (``exact=True``) where they did before: they may see the students'
records anyway. The rule is deterministic: the same counts and relations always hide the same cells,
so a term's column looks the same in its own report and as the "previous term" of the next one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.crypto import salted_hmac
from scipy.optimize import linprog

SMALL_CELL = 5
# One mark for every hidden cell, small or complementary, so the mark itself says nothing.
HIDDEN = "*"
# Kept as names for the callers of the old rule: both are now the one mark.
SUPPRESSED = HIDDEN
# The least width of the interval a hidden cell can take, given what is shown.
MIN_WIDTH = SMALL_CELL - 1
# The cells a sheet hides depend on nothing but its counts, its relations and the cells hidden
# beforehand (the rule is deterministic), and the linear programs take seconds on a school-sized
# table (a leader's screening results: 375 hidden cells, 3.5 s). So the answer is kept in the cache
# for a day under a keyed digest of them (an HMAC: the key gives no count away); it names cells,
# never a count. Bump the version when the rule changes.
PROTECTED_SECONDS = 24 * 60 * 60
_RULE = "protect-v1"


@dataclass(frozen=True)
class Relation:
    """What a reader knows: ``sum(parts) == whole`` (``equal``) or ``sum(parts) <= whole``."""

    whole: str
    parts: tuple[str, ...]
    equal: bool = True

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.whole, *self.parts)


@dataclass(frozen=True)
class Ref:
    """A count in a table or a figure, by its key in the sheet; filled in by ``publish``.

    Until then it prints as hidden, so a table that was never protected shows nothing.
    """

    key: str

    def __str__(self) -> str:
        return HIDDEN


@dataclass
class Sheet:
    """The counts one page or file shows (key -> count), the relations between them, and derived figures."""

    values: dict[str, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    # key -> (value, the counts it is computed from)
    derived_values: dict[str, tuple[object, tuple[str, ...]]] = field(default_factory=dict)

    def count(self, key: str, value: int | None) -> Ref:
        """Register a count of people (None counts as 0) and return the reference a table shows."""
        self.values[key] = int(value or 0)
        return Ref(key)

    def derived(self, key: str, value: object, needs: Iterable[str]) -> Ref:
        """A figure computed from counts (a share, a median): shown only if all of ``needs`` are."""
        self.derived_values[key] = (value, tuple(needs))
        return Ref(key)

    def total(self, whole: str, parts: Iterable[str]) -> None:
        """The reader knows that ``whole`` is the sum of ``parts``.

        The keys may belong to another sheet that is protected together with this one (a figure
        of another section); a relation whose counts are not all there is left out when protecting.
        """
        self.relations.append(Relation(whole, tuple(parts), True))

    def at_most(self, whole: str, parts: Iterable[str]) -> None:
        """The reader knows that ``parts`` add up to no more than ``whole`` ("of which")."""
        self.relations.append(Relation(whole, tuple(parts), False))

    def known_relations(self) -> list[Relation]:
        """The relations between counts this sheet holds (a previous term's missing column drops out)."""
        known = []
        for relation in self.relations:
            parts = tuple(p for p in relation.parts if p in self.values)
            if relation.whole in self.values and parts and Relation(relation.whole, parts, relation.equal) not in known:
                known.append(Relation(relation.whole, parts, relation.equal))
        return known

    def extend(self, other: Sheet) -> None:
        """Take in another sheet's counts, relations and derived figures (keys must not clash)."""
        self.values.update(other.values)
        self.relations.extend(other.relations)
        self.derived_values.update(other.derived_values)

    def protect(self, *, exact: bool = False, also_hide: Iterable[str] = ()) -> dict[str, object]:
        """Every key as it may be shown: its value, or ``HIDDEN``.

        ``also_hide`` are cells that must be hidden whatever their value (a previous term's cells
        its own report hid). ``exact`` shows everything (counselors).
        """
        if exact:
            hidden: set[str] = set()
        else:
            also = {key for key in also_hide if key in self.values}
            self.relations = self.known_relations()
            cache_key = self._digest(also)
            kept = cache.get(cache_key)
            if kept is not None:
                hidden = set(kept)
            else:
                hidden = {key for key, value in self.values.items() if value < SMALL_CELL} | also
                self._complete(hidden)
                cache.set(cache_key, sorted(hidden), PROTECTED_SECONDS)
        shown: dict[str, object] = {key: HIDDEN if key in hidden else value for key, value in self.values.items()}
        for key, (value, needs) in self.derived_values.items():
            shown[key] = HIDDEN if any(shown.get(need, HIDDEN) == HIDDEN for need in needs) else value
        return shown

    def _digest(self, also_hide: set[str]) -> str:
        """The cache key of what ``protect`` hides for these counts, relations and prior hides."""
        payload = json.dumps(
            [
                _RULE,
                SMALL_CELL,
                sorted(self.values.items()),
                [[relation.whole, list(relation.parts), relation.equal] for relation in self.relations],
                sorted(also_hide),
            ],
            ensure_ascii=False,
        )
        return "aggregates:hidden:" + salted_hmac(_RULE, payload, algorithm="sha256").hexdigest()

    def hidden_after_protect(self, also_hide: Iterable[str] = ()) -> set[str]:
        """The keys ``protect`` hides."""
        shown = self.protect(also_hide=also_hide)
        return {key for key in self.values if shown[key] == HIDDEN}

    # The algorithm -------------------------------------------------------------------------------

    def _complete(self, hidden: set[str]) -> None:
        """Hide complementary cells until every hidden cell passes the interval check (in place).

        Hiding one more cell only turns a known number into an unknown, so the reader's feasible
        set grows and a cell that passed once passes for good: each round checks only the cells
        not yet passed, and hides one more cell next to the first that failed.
        """
        if not hidden:
            return
        passed: set[str] = set()
        while True:
            self._cheap_rules(hidden)
            narrow = []
            for key in sorted(hidden - passed):
                if width(self.values, self.relations, hidden, key) < MIN_WIDTH:
                    narrow.append(key)
                else:
                    passed.add(key)
            if not narrow:
                return
            # One cell at a time: hiding it may widen the other narrow cells too.
            if not self._hide_next_to(narrow[0], hidden):
                return

    def _cheap_rules(self, hidden: set[str]) -> None:
        """Rule 3: no relation with one hidden cell, none whose hidden parts add up to too little."""
        changed = True
        while changed:
            changed = False
            for relation in self.relations:
                inside = [key for key in relation.keys if key in hidden]
                if not inside:
                    continue
                lone = len(inside) == 1 and relation.equal
                hidden_parts = [key for key in relation.parts if key in hidden]
                # Where the whole is shown, the hidden parts of a sum add up to a known number.
                slack = (
                    relation.equal
                    and relation.whole not in hidden
                    and sum(self.values[k] for k in hidden_parts) < MIN_WIDTH
                )
                if (lone or (slack and hidden_parts)) and self._hide_smallest(relation.keys, hidden, relation.whole):
                    changed = True

    def _hide_smallest(self, keys: Iterable[str], hidden: set[str], whole: str | None = None) -> bool:
        """Hide the smallest shown cell among ``keys`` (a part before the whole); False if none is left."""
        candidates = sorted((key == whole, self.values[key], key) for key in keys if key not in hidden)
        if not candidates:
            return False
        hidden.add(candidates[0][2])
        return True

    def _hide_next_to(self, key: str, hidden: set[str]) -> bool:
        """Hide one more cell in a relation of ``key`` -- or, if those are all hidden, of its neighbours."""
        seen, frontier = {key}, {key}
        while frontier:
            relations = [r for r in self.relations if frontier & set(r.keys)]
            for relation in sorted(relations, key=lambda r: sum(k not in hidden for k in r.keys)):
                if self._hide_smallest(relation.keys, hidden, relation.whole):
                    return True
            frontier = {k for r in relations for k in r.keys} - seen
            seen |= frontier
        return False


def width(values: Mapping[str, int], relations: list[Relation], hidden: set[str], key: str) -> float:
    """How wide the interval of values ``key`` can take is, given the shown cells and the relations.

    The unknowns are the hidden cells (each >= 0); every relation touching one becomes a linear
    constraint. Infinite when nothing bounds the cell from above.
    """
    if not any(key in relation.keys for relation in relations):
        return float("inf")
    low, high = bounds({k: (None if k in hidden else v) for k, v in values.items()}, relations, key)
    return high - low


def bounds(shown: Mapping[str, int | None], relations: list[Relation], key: str) -> tuple[float, float]:
    """[least, greatest] value of the hidden cell ``key`` (None in ``shown``) by linear programming (HiGHS).

    Only the relations connected to ``key`` through hidden cells matter, so only they are solved.
    When the greatest value alone shows the interval too narrow (or unbounded), the least is
    reported as 0 without solving for it.
    """
    unknown = {k for k, v in shown.items() if v is None}
    touching: dict[str, list[int]] = {}
    for number, relation in enumerate(relations):
        for k in relation.keys:
            touching.setdefault(k, []).append(number)
    component, frontier = {key}, {key}
    taken: set[int] = set()
    while frontier:
        new = {n for k in frontier for n in touching.get(k, ()) if n not in taken}
        taken |= new
        frontier = {k for n in new for k in relations[n].keys if k in unknown} - component
        component |= frontier
    used = [relations[n] for n in sorted(taken)]
    variables = sorted(component)
    index = {k: i for i, k in enumerate(variables)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for relation in used:
        row = [0.0] * len(variables)
        constant = 0.0
        for k, sign in [(relation.whole, -1.0)] + [(p, 1.0) for p in relation.parts]:
            if k in index:
                row[index[k]] += sign
            else:
                constant -= sign * (shown[k] or 0)
        (a_eq if relation.equal else a_ub).append(row)
        (b_eq if relation.equal else b_ub).append(constant)
    objective = [0.0] * len(variables)
    objective[index[key]] = 1.0
    common = {
        "A_eq": a_eq or None,
        "b_eq": b_eq or None,
        "A_ub": a_ub or None,
        "b_ub": b_ub or None,
        "bounds": [(0, None)] * len(variables),
        "method": "highs",
    }
    high = linprog([-c for c in objective], **common)
    if high.status == 3:
        # Unbounded above: wide whatever the least value (0 is as low as it goes).
        return 0.0, float("inf")
    if high.status != 0:
        # What is known cannot all hold (inconsistent data): treat the cell as pinned down.
        return 0.0, 0.0
    greatest = -high.fun
    if greatest < MIN_WIDTH:
        return 0.0, greatest
    low = linprog(objective, **common)
    least = low.fun if low.status == 0 else greatest
    return least, greatest


def suppress(count: int, *, exact: bool = False) -> int | str:
    """A lone count (no total or other figure next to it) as it may be shown."""
    if exact or count >= SMALL_CELL:
        return count
    return HIDDEN


def suppress_row(counts: Mapping, *, exact: bool = False, total: bool = True) -> dict:
    """A row of counts (key -> int), with its total shown (``total``), as it may be shown."""
    sheet = Sheet()
    for key, value in counts.items():
        sheet.count(str(key), value)
    if total:
        sheet.count("__total__", sum(counts.values()))
        sheet.total("__total__", [str(key) for key in counts])
    shown = sheet.protect(exact=exact)
    return {key: shown[str(key)] for key in counts}


def publish(value: object, shown: Mapping[str, object]) -> object:
    """A cell as it may be shown: a ``Ref`` becomes its protected value, anything else stays."""
    return shown.get(value.key, HIDDEN) if isinstance(value, Ref) else value
