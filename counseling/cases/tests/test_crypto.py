"""Encryption at rest: the database holds ciphertext; keys rotate; a wrong key is a loud error."""

from __future__ import annotations

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
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
        ("cases.Referral", "institution"),
        ("cases.Referral", "escort_by"),
        ("cases.Escalation", "guardian_contact_by"),
        ("cases.Escalation", "escort_by"),
        ("cases.Escalation", "hospital_name"),
    } <= names


def test_where_a_student_was_taken_and_by_whom_is_encrypted_too(case) -> None:
    referral = ReferralFactory(case=case, institution="市精神卫生中心", escort_by="母亲")
    escalation = EscalationFactory(
        case=case,
        guardian_contact_by="张老师",
        escorted=True,
        escort_by="班主任",
        hospital=True,
        hospital_name="市第一医院",
    )
    for table, obj, columns in (
        ("cases_referral", referral, ("institution", "escort_by")),
        ("cases_escalation", escalation, ("guardian_contact_by", "escort_by", "hospital_name")),
    ):
        for column in columns:
            stored = raw(table, column, obj.pk)
            assert stored.startswith("gAAAAA"), column
            assert getattr(obj, column) not in stored
    fresh = type(referral).objects.get(pk=referral.pk)
    assert (fresh.institution, fresh.escort_by) == ("市精神卫生中心", "母亲")
    assert type(escalation).objects.get(pk=escalation.pk).hospital_name == "市第一医院"


def _migrate(target: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_rows_written_in_plaintext_and_reverses(case) -> None:
    referral = ReferralFactory(case=case, institution="市精神卫生中心", escort_by="母亲")
    escalation = EscalationFactory(case=case, hospital=True, hospital_name="市第一医院")
    try:
        _migrate(("cases", "0005_risk_lowering"))
        # Before 0006 the columns held plaintext: going back leaves exactly that.
        assert raw("cases_referral", "institution", referral.pk) == "市精神卫生中心"
        assert raw("cases_referral", "escort_by", referral.pk) == "母亲"
        assert raw("cases_escalation", "hospital_name", escalation.pk) == "市第一医院"
        assert raw("cases_escalation", "escort_by", escalation.pk) == ""
    finally:
        # Forward through 0006 (which encrypts) to the latest: later migrations add columns the
        # models read below.
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("cases")[0])
    assert raw("cases_referral", "institution", referral.pk).startswith("gAAAAA")
    assert raw("cases_escalation", "hospital_name", escalation.pk).startswith("gAAAAA")
    assert raw("cases_escalation", "escort_by", escalation.pk) == ""
    fresh = type(referral).objects.get(pk=referral.pk)
    assert (fresh.institution, fresh.escort_by) == ("市精神卫生中心", "母亲")
    assert type(escalation).objects.get(pk=escalation.pk).hospital_name == "市第一医院"


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
