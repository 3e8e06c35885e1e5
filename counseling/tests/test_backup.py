"""Encrypted backups: the file gives nothing away without the key, and restores what was there."""

from __future__ import annotations

import contextlib
from io import StringIO
from pathlib import Path

import psycopg2
import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection

from appointments.models import MailboxItem
from appointments.tests.factories import MailboxItemFactory
from counseling import crypto
from counseling.models import ConcernCategory
from counseling.services.backup import backup_keys
from counseling.tests.factories import UserFactory

MARKER = "备份标记-7f3a9c"
FIELD_MARKER = "MARKER-encrypted-column-b81e"
KEY = Fernet.generate_key().decode()
OTHER_KEY = Fernet.generate_key().decode()

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="restores into a second PostgreSQL db")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="restores the SQLite test database")


@pytest.fixture(autouse=True)
def backup_key(settings):
    settings.BACKUP_KEYS = [KEY]


def plant() -> ConcernCategory:
    """The marker in a plain column, and a letter (an encrypted column, stored as Fernet text)."""
    category = ConcernCategory.objects.create(code="backup-marker", name_zh=MARKER, name_en="marker")
    MailboxItemFactory(sender=UserFactory(username="backup-sender"), body=FIELD_MARKER)
    return category


def backup(path: Path) -> str:
    out = StringIO()
    call_command("backup", output=str(path), stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_backup_holds_no_plaintext_and_no_sql(tmp_path) -> None:
    plant()
    path = tmp_path / "nightly.cbk"
    assert "Wrote an encrypted backup" in backup(path)
    data = path.read_bytes()
    assert data.startswith(b"CNSLBK01")
    assert MARKER.encode() not in data and FIELD_MARKER.encode() not in data
    for plain in (b"CREATE TABLE", b"INSERT INTO", b"counseling_concerncategory", b"SQLite format 3", b"PGDMP"):
        assert plain not in data, plain
    assert path.stat().st_mode & 0o077 == 0  # readable by the owner only
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.django_db(transaction=True)
def test_decrypt_only_gives_the_plain_dump_with_the_key(tmp_path) -> None:
    plant()
    backup(tmp_path / "b.cbk")
    plain = tmp_path / "plain.dump"
    call_command("restore_backup", str(tmp_path / "b.cbk"), decrypt_only=str(plain), stdout=StringIO())
    head = plain.read_bytes()[:16]
    assert head.startswith(b"PGDMP" if connection.vendor == "postgresql" else b"SQLite format 3")
    assert plain.stat().st_mode & 0o077 == 0


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_restore_brings_back_what_was_backed_up_on_sqlite(tmp_path) -> None:
    row = plant()
    backup(tmp_path / "b.cbk")
    row.delete()
    ConcernCategory.objects.create(code="after-the-backup", name_zh="之后", name_en="after")
    out = StringIO()
    call_command("restore_backup", str(tmp_path / "b.cbk"), yes=True, stdout=out)
    assert "Restored" in out.getvalue()
    assert ConcernCategory.objects.get(code="backup-marker").name_zh == MARKER
    assert MailboxItem.objects.get(sender__username="backup-sender").body == FIELD_MARKER
    assert not ConcernCategory.objects.filter(code="after-the-backup").exists()


@contextlib.contextmanager
def second_postgres_database(name: str):
    params = connection.settings_dict
    admin = psycopg2.connect(
        dbname="postgres", user=params["USER"], host=params["HOST"], port=params["PORT"], password=params["PASSWORD"]
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        url = f"postgres://{params['USER']}:{params['PASSWORD'] or ''}@{params['HOST']}:{params['PORT']}/{name}"
        yield (
            url,
            lambda: psycopg2.connect(
                dbname=name, user=params["USER"], host=params["HOST"], port=params["PORT"], password=params["PASSWORD"]
            ),
        )
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


@postgres_only
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgres_dump_restores_into_another_database(tmp_path) -> None:
    plant()
    backup(tmp_path / "b.cbk")
    with second_postgres_database(connection.settings_dict["NAME"] + "_restored") as (url, connect):
        out = StringIO()
        call_command("restore_backup", str(tmp_path / "b.cbk"), into=url, stdout=out)
        assert "Restored" in out.getvalue()
        restored = connect()
        try:
            with restored.cursor() as cursor:
                cursor.execute("SELECT name_zh FROM counseling_concerncategory WHERE code = 'backup-marker'")
                name_zh = cursor.fetchone()[0]
                cursor.execute("SELECT body FROM appointments_mailboxitem")
                body = cursor.fetchone()[0]
                cursor.execute("SELECT count(*) FROM django_migrations WHERE app = 'cases'")
                assert cursor.fetchone()[0] > 0
        finally:
            restored.close()
    # The letter is still encrypted in the restored database, and the field keys read it.
    assert (name_zh, crypto.decrypt(body)) == (MARKER, FIELD_MARKER)
    assert FIELD_MARKER not in body


@pytest.mark.django_db(transaction=True)
def test_a_wrong_key_restores_nothing(tmp_path, settings) -> None:
    plant()
    backup(tmp_path / "b.cbk")
    settings.BACKUP_KEYS = [OTHER_KEY]
    with pytest.raises(CommandError, match="None of the configured BACKUP_KEYS opens this backup"):
        call_command("restore_backup", str(tmp_path / "b.cbk"), yes=True, stdout=StringIO())
    with pytest.raises(CommandError, match="None of the configured"):
        call_command("restore_backup", str(tmp_path / "b.cbk"), decrypt_only=str(tmp_path / "p"), stdout=StringIO())
    assert not (tmp_path / "p").exists()


@pytest.mark.django_db(transaction=True)
def test_a_changed_or_cut_backup_restores_nothing(tmp_path) -> None:
    plant()
    path = tmp_path / "b.cbk"
    backup(path)
    data = bytearray(path.read_bytes())
    ConcernCategory.objects.filter(code="backup-marker").update(name_zh="改过")
    for broken in (data[:-1000], data[:60] + bytes([data[60] ^ 1]) + data[61:]):
        path.write_bytes(bytes(broken))
        with pytest.raises(CommandError, match="cut short or changed"):
            call_command("restore_backup", str(path), yes=True, stdout=StringIO())
    assert ConcernCategory.objects.get(code="backup-marker").name_zh == "改过"
    path.write_bytes(b"not a backup at all")
    with pytest.raises(CommandError, match="is not a backup"):
        call_command("restore_backup", str(path), yes=True, stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_an_old_key_kept_after_the_new_one_still_opens_old_backups(tmp_path, settings) -> None:
    plant()
    backup(tmp_path / "old.cbk")
    settings.BACKUP_KEYS = [OTHER_KEY, KEY]
    backup(tmp_path / "new.cbk")
    for name in ("old.cbk", "new.cbk"):
        call_command("restore_backup", str(tmp_path / name), decrypt_only=str(tmp_path / "plain"), stdout=StringIO())
    settings.BACKUP_KEYS = [KEY]
    with pytest.raises(CommandError, match="None of the configured"):
        call_command("restore_backup", str(tmp_path / "new.cbk"), decrypt_only=str(tmp_path / "p2"), stdout=StringIO())


def test_without_a_key_outside_demo_mode_no_backup_is_written(tmp_path, settings) -> None:
    settings.BACKUP_KEYS = []
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="BACKUP_KEYS"):
        call_command("backup", output=str(tmp_path / "b.cbk"), stdout=StringIO())
    assert not list(tmp_path.iterdir())


def test_demo_mode_generates_a_backup_key_in_the_var_folder(tmp_path, settings) -> None:
    settings.BACKUP_KEYS = []
    settings.DEBUG = True
    settings.BACKUP_KEY_FILE = tmp_path / "backup_keys"
    first = backup_keys()
    assert len(first[0]) == 32 and backup_keys() == first
    assert settings.BACKUP_KEY_FILE.stat().st_mode & 0o777 == 0o600
