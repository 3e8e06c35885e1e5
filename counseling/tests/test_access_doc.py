"""docs/access.md shows the role -> permission table exactly as counseling/roles.py defines it.

Regenerate the table after changing roles.py:

    DEBUG=1 .venv/bin/python -m counseling.tests.test_access_doc
"""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"
BEGIN, END = "<!-- access-table:begin -->", "<!-- access-table:end -->"
COLUMNS = [
    ("student", "student", False),
    ("committee member¹", "student", True),
    ("class teacher", "class_teacher", False),
    ("counselor", "counselor", False),
    ("head counselor", "head_counselor", False),
    ("leader", "leader", False),
    ("administrator", "administrator", False),
    ("guardian", "guardian", False),
]


def people() -> list:
    from counseling.models import StudentProfile, User

    cast = []
    for _label, role, committee in COLUMNS:
        user = User(username=f"doc-{role}", role=role, is_active=True)
        if role == "student":
            user.student_profile = StudentProfile(is_committee_member=committee)
        cast.append(user)
    return cast


def render_table() -> str:
    from counseling.roles import PERMISSIONS

    cast = people()
    lines = [
        "| permission | " + " | ".join(label for label, _r, _c in COLUMNS) + " |",
        "|---|" + "---|" * len(COLUMNS),
    ]
    for name, predicate in PERMISSIONS.items():
        marks = ["✔" if predicate.test(user) else "" for user in cast]
        lines.append(f"| `{name}` | " + " | ".join(marks) + " |")
    return "\n".join(lines)


def current_table() -> str:
    text = DOC.read_text()
    match = re.search(re.escape(BEGIN) + r"\n(.*?)\n" + re.escape(END), text, re.S)
    assert match, f"{DOC} has no generated table between {BEGIN} and {END}"
    return match.group(1)


def test_access_doc_matches_roles_py():
    assert current_table() == render_table(), (
        "docs/access.md is out of date: run DEBUG=1 .venv/bin/python -m counseling.tests.test_access_doc"
    )


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counseling.settings")
    django.setup()
    text = DOC.read_text()
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    DOC.write_text(text[:start] + "\n" + render_table() + "\n" + text[end:])
    print(f"updated {DOC}")
