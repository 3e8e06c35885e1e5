"""The authorization matrix: every URL pattern of the project, every role, the expected status.

Each app keeps its rows in ``<app>/tests/access.py`` as ``routes(cast, world) -> dict[str, Route]``
keyed by URL name ("appointments:book"). ``cast`` is the standard cast (counseling.tests.fixtures);
``world`` is a dict the app may fill with objects its URLs need (create them inside ``routes``).
``counseling/tests/test_access_matrix.py`` fails when a URL pattern has no row, and checks every row
against every role.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "student",
    "other_student",
    "guardian",
    "other_guardian",
    "class_teacher",
    "other_teacher",
    "counselor",
    "other_counselor",
    "head",
    "leader",
    "administrator",
)
LOGIN = 302  # what an anonymous visitor gets from a page that needs a sign-in
STAFF = ("class_teacher", "other_teacher", "counselor", "other_counselor", "head", "leader", "administrator")
STUDENTS = ("student", "other_student")
GUARDIANS = ("guardian", "other_guardian")
COUNSELING = ("counselor", "other_counselor", "head")


def expect(
    allowed: int = 200, roles: tuple[str, ...] = ROLES[1:], other: int = 403, anonymous: int = LOGIN, **exact: int
) -> dict[str, int]:
    """Expected statuses: ``allowed`` for ``roles``, ``other`` for the rest, ``exact`` overrides per role."""
    table = {role: (allowed if role in roles else other) for role in ROLES}
    table["anonymous"] = anonymous
    table.update(exact)
    return table


@dataclass
class Route:
    url: str
    expect: dict[str, int]
    method: str = "get"
    data: dict = field(default_factory=dict)
