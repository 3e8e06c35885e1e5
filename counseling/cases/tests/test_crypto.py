"""Encryption at rest: the database holds ciphertext; keys rotate; a wrong key is a loud error."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from counseling import crypto
from counseling.cases.models import SessionNote
from counseling.cases.tests.factories import (
    NOTE_WORDS,
    AddendumFactory,
    ComplaintFactory,
    EscalationFactory,
    IntakeFactory,
    NoteFactory,
    ReferralFactory,
)
from counseling.management.commands.rotate_field_keys import encrypted_columns

pytestmark = pytest.mark.django_db

NEW_KEY = Fernet.generate_key().decode()


@pytest.fixture(autouse=True)
def fresh_keys():
    """Every test starts and ends with the test keys loaded."""
    crypto.reset_keys()
    yield
    crypto.reset_keys()


def raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test constants
        return cursor.fetchone()[0]


def test_the_note_table_holds_ciphertext_not_the_words(case) -> None:
    note = NoteFactory(case=case)
    stored = raw("cases_sessionnote", "content", note.pk)
    assert NOTE_WORDS not in stored
    assert "失眠" not in stored
    assert stored.startswith("gAAAAA")  # a Fernet token
    first_key = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    assert first_key.decrypt(stored.encode()).decode() == NOTE_WORDS
    for column in ("analysis", "next_steps"):
        assert raw("cases_sessionnote", column, note.pk).startswith("gAAAAA")
    assert SessionNote.objects.get(pk=note.pk).content == NOTE_WORDS


def test_every_confidential_column_of_the_case_records_is_encrypted(case, student) -> None:
    samples = {
        ("cases_intake", "narrative"): IntakeFactory(case=case),
        ("cases_referral", "reason"): ReferralFactory(case=case),
        ("cases_escalation", "narrative"): EscalationFactory(case=case),
        ("cases_noteaddendum", "text"): AddendumFactory(note=NoteFactory(case=case)),
        ("cases_complaint", "description"): ComplaintFactory(filed_by=student),
    }
    for (table, column), obj in samples.items():
        stored = raw(table, column, obj.pk)
        assert stored.startswith("gAAAAA"), table
        assert getattr(obj, column) not in stored
    names = {(model._meta.label, field.name) for model, fields in encrypted_columns() for field in fields}
    assert {
        ("cases.SessionNote", "content"),
        ("cases.SessionNote", "analysis"),
        ("cases.SessionNote", "next_steps"),
        ("cases.Intake", "narrative"),
        ("cases.Referral", "reason"),
        ("cases.Referral", "outcome"),
        ("cases.Escalation", "narrative"),
        ("cases.Handover", "note"),
    } <= names


def test_rotation_re_encrypts_everything_under_the_new_first_key(case, student) -> None:
    note = NoteFactory(case=case)
    referral = ReferralFactory(case=case)
    complaint = ComplaintFactory(filed_by=student)
    before = raw("cases_sessionnote", "content", note.pk)
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, *old_keys]):
        out = StringIO()
        call_command("rotate_field_keys", stdout=out)
        assert "cases.SessionNote: 3 value(s)" in out.getvalue()
    after = raw("cases_sessionnote", "content", note.pk)
    assert after != before
    assert Fernet(NEW_KEY.encode()).decrypt(after.encode()).decode() == NOTE_WORDS
    with pytest.raises(InvalidToken):
        Fernet(old_keys[0].encode()).decrypt(after.encode())
    # With only the new key configured, everything still reads.
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        crypto.reset_keys()
        assert SessionNote.objects.get(pk=note.pk).content == NOTE_WORDS
        assert type(referral).objects.get(pk=referral.pk).reason == referral.reason
        assert type(complaint).objects.get(pk=complaint.pk).description == complaint.description


def test_a_wrong_key_is_a_loud_error_never_ciphertext(case, counselor, client_for) -> None:
    note = NoteFactory(case=case)
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        crypto.reset_keys()
        with pytest.raises(crypto.DecryptionError):
            SessionNote.objects.get(pk=note.pk)
        client = client_for(counselor)
        client.raise_request_exception = True
        with pytest.raises(crypto.DecryptionError):
            client.get(reverse("cases:note_detail", args=[note.pk]))


def test_rotation_with_a_wrong_key_fails_and_changes_nothing(case) -> None:
    note = NoteFactory(case=case)
    before = raw("cases_sessionnote", "content", note.pk)
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]),
        pytest.raises(CommandError, match="could not be decrypted"),
    ):
        call_command("rotate_field_keys", stdout=StringIO())
    assert raw("cases_sessionnote", "content", note.pk) == before
