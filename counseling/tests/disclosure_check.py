"""A reader with a solver: how much can each hidden cell of a published table be pinned down?

Written apart from the product's rule (counseling.services.aggregates), from what a page or file
*shows*: the displayed value of every count (a number, or the hidden mark) and the linear
relations a reader knows (a total is the sum of its parts; an "of which" is at most its whole).

The criterion: for every hidden cell, the least and the greatest value it can take -- each cell a
whole number >= 0, every shown count fixed, every relation holding -- are found by linear
programming (scipy.optimize.linprog, HiGHS), over *all* the hidden cells of the sheet at once.
The cell is safe when ``greatest - least >= threshold - 1``: at least ``threshold`` whole numbers
(five, for a threshold of 5) stay possible, so no value can be placed within the threshold.
For the tables we publish (sums along rows and columns) the constraint matrix is totally
unimodular, so these bounds are reached by whole numbers; ``integer_bounds`` checks that on
small tables by trying every value.

A figure computed from counts (a share) must be hidden when any count it is computed from is.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

from scipy.optimize import linprog

THRESHOLD = 5


@dataclass
class Published:
    """What a reader has: shown values by key, relations (whole, parts, equal), derived figures."""

    shown: dict[str, object] = field(default_factory=dict)
    relations: list[tuple[str, tuple[str, ...], bool]] = field(default_factory=list)
    # key -> (shown value, keys it is computed from)
    derived: dict[str, tuple[object, tuple[str, ...]]] = field(default_factory=dict)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def lp_bounds(published: Published, key: str) -> tuple[float, float]:
    """[least, greatest] of hidden cell ``key``; (inf, -inf) when what is shown is contradictory."""
    unknown = sorted(k for k, v in published.shown.items() if not is_number(v))
    index = {k: i for i, k in enumerate(unknown)}
    a_eq, b_eq, a_ub, b_ub = [], [], [], []
    for whole, parts, equal in published.relations:
        row, constant = [0.0] * len(unknown), 0.0
        for k, sign in [(whole, -1.0)] + [(p, 1.0) for p in parts]:
            if k in index:
                row[index[k]] += sign
            else:
                constant -= sign * float(published.shown[k])
        if not any(row):
            continue
        (a_eq if equal else a_ub).append(row)
        (b_eq if equal else b_ub).append(constant)
    cost = [0.0] * len(unknown)
    cost[index[key]] = 1.0
    options = {
        "A_eq": a_eq or None,
        "b_eq": b_eq or None,
        "A_ub": a_ub or None,
        "b_ub": b_ub or None,
        "bounds": [(0, None)] * len(unknown),
        "method": "highs",
    }
    low = linprog(cost, **options)
    if low.status == 2:
        return float("inf"), float("-inf")
    high = linprog([-c for c in cost], **options)
    greatest = float("inf") if high.status == 3 else -high.fun
    return low.fun, greatest


def integer_bounds(published: Published, key: str, top: int = 40) -> tuple[int, int]:
    """[least, greatest] of ``key`` by trying every whole value 0..top of every hidden cell (small tables)."""
    unknown = sorted(k for k, v in published.shown.items() if not is_number(v))
    seen = []
    for values in itertools.product(range(top + 1), repeat=len(unknown)):
        cells = {**published.shown, **dict(zip(unknown, values, strict=True))}
        if all(
            (sum(cells[p] for p in parts) == cells[whole]) if equal else (sum(cells[p] for p in parts) <= cells[whole])
            for whole, parts, equal in published.relations
        ):
            seen.append(cells[key])
    return min(seen), max(seen)


def violations(published: Published, threshold: int = THRESHOLD) -> list[str]:
    """Every way the published figures give a hidden count away; empty when there is none."""
    found = []
    for key, value in sorted(published.shown.items()):
        if is_number(value):
            continue
        least, greatest = lp_bounds(published, key)
        if greatest - least < threshold - 1:
            found.append(f"{key}: a reader can tell it lies in [{least:g}, {greatest:g}]")
    for key, (value, needs) in sorted(published.derived.items()):
        if is_number(value) or is_shown_text(value):
            hidden = [need for need in needs if not is_number(published.shown.get(need))]
            if hidden:
                found.append(f"{key}: shows {value!r}, computed from hidden {hidden}")
    return found


def is_shown_text(value: object) -> bool:
    """A derived figure shown as text (a percentage like "43%")."""
    return isinstance(value, str) and any(ch.isdigit() for ch in value)


def from_sheet(shown: Mapping[str, object], sheet) -> Published:
    """A ``Published`` from shown values and a product sheet's declared relations and derived figures."""
    return Published(
        shown={k: v for k, v in shown.items() if k in sheet.values},
        relations=known(sheet.relations, sheet.values),
        derived={k: (shown.get(k), needs) for k, (_value, needs) in sheet.derived_values.items()},
    )


def known(relations, values: Mapping[str, object]) -> list[tuple[str, tuple[str, ...], bool]]:
    """Relations (product ``Relation`` objects) between counts that exist: missing parts drop out."""
    result = []
    for relation in relations:
        parts = tuple(p for p in relation.parts if p in values)
        if relation.whole in values and parts:
            result.append((relation.whole, parts, relation.equal))
    return result
