"""The operator's guide says which columns are encrypted and which stay plain: the models agree.

docs/operations.md section 7 has two tables, "Encrypted columns" and "Plain columns, and why".
This fails when a column listed as encrypted is not, when an encrypted column is not listed, or
when a text column (or a JSON column) of one of our apps is neither encrypted nor listed as plain
with a reason. Structured facts (scores, levels, flags) listed as plain must exist and be plain.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import models

from counseling.crypto import EncryptedTextField

GUIDE = Path(settings.BASE_DIR) / "docs" / "operations.md"
ROW = re.compile(r"^\| `(?P<model>[\w.]+)` \| (?P<columns>[^|]+) \| (?P<why>[^|]*) \|$")


def table(heading: str) -> dict[tuple[str, str], str]:
    """{(model label, field name): the reason cell} from the table under ``### heading``."""
    text = GUIDE.read_text()
    section = text.split(f"### {heading}\n", 1)[1]
    section = re.split(r"^#{2,3} ", section, maxsplit=1, flags=re.MULTILINE)[0]
    rows: dict[tuple[str, str], str] = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            for column in re.findall(r"`(\w+)`", match["columns"]):
                rows[(match["model"], column)] = match["why"].strip()
    assert rows, f"no rows under {heading!r}"
    return rows


def our_fields():
    for model in apps.get_models():
        if model._meta.app_config.name in settings.LOCAL_APPS and not model._meta.proxy:
            for field in model._meta.local_concrete_fields:
                yield model._meta.label, field


def is_free_text(field) -> bool:
    return (isinstance(field, models.CharField | models.TextField) and not field.choices) or isinstance(
        field, models.JSONField
    )


def test_every_column_listed_as_encrypted_is_encrypted_and_every_encrypted_one_is_listed() -> None:
    listed = set(table("Encrypted columns"))
    encrypted = {(label, f.name) for label, f in our_fields() if isinstance(f, EncryptedTextField)}
    assert sorted(listed - encrypted) == [], "listed as encrypted but stored plain"
    assert sorted(encrypted - listed) == [], "encrypted but missing from the guide"


def test_every_plain_text_column_is_listed_with_its_reason() -> None:
    plain = table("Plain columns, and why")
    fields = {(label, f.name): f for label, f in our_fields()}
    unknown = sorted(key for key in plain if key not in fields)
    assert unknown == [], "the guide lists columns that do not exist"
    assert sorted(key for key in plain if isinstance(fields[key], EncryptedTextField)) == []
    assert sorted(key for key, why in plain.items() if not why) == [], "a plain column without a reason"
    unlisted = sorted(
        key
        for key, field in fields.items()
        if is_free_text(field) and not isinstance(field, EncryptedTextField) and key not in plain
    )
    assert unlisted == [], "text columns neither encrypted nor listed as plain in docs/operations.md"


def test_the_structured_facts_the_issue_named_are_listed_as_plain() -> None:
    plain = table("Plain columns, and why")
    for key in (
        ("archives.Result", "total"),
        ("archives.Result", "band"),
        ("archives.Result", "critical_items"),
        ("cases.Case", "risk_level"),
        ("cases.Escalation", "risk_level"),
    ):
        assert key in plain
