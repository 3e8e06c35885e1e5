"""Encrypted backups of the database: sealed with a key kept outside it, and opened again.

A backup file is one stream sealed with AES-256-GCM (``cryptography``'s streaming cipher):

    magic "CNSLBK01" (8) | kind (1) | salt (16) | nonce (12) | key check (16) | ciphertext | tag (16)

The file's key is derived from the backup key and the file's random salt (HKDF-SHA256), so no two
files share a key and the nonce can never repeat under one key. The header is authenticated with
the data. The key check (also derived from the key and salt) only tells which configured key
opens the file; the tag at the end is what proves the file whole and unchanged.

Why this and not Fernet or gpg: Fernet encrypts one message in memory and base64 inflates it by a
third (a dump may be gigabytes); a GCM stream goes through in 1 MiB pieces with one well-kept
primitive. gpg would add a second key store and an outside program's passphrase handling. One
GCM stream is limited to 64 GiB, far beyond a school's database.

GCM releases plaintext before the tag is checked, so opening writes to a private temporary file
and nothing is restored from it until the tag verified.

Kinds: ``P`` a PostgreSQL dump in pg_dump's custom format, ``S`` an SQLite database file.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from counseling.crypto import configured_or_demo_keys

MAGIC = b"CNSLBK01"
KIND_POSTGRES = b"P"
KIND_SQLITE = b"S"
SALT_SIZE, NONCE_SIZE, CHECK_SIZE, TAG_SIZE = 16, 12, 16, 16
HEADER_SIZE = len(MAGIC) + 1 + SALT_SIZE + NONCE_SIZE + CHECK_SIZE
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup could not be written, opened or restored; the message says why."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str
    size: int


# Keys ---------------------------------------------------------------------------------------


def _configured_keys() -> list[str]:
    # Demo mode: a key generated next to the demo database, as for the field keys.
    return configured_or_demo_keys("BACKUP_KEYS", settings.BACKUP_KEY_FILE, lambda: Fernet.generate_key().decode())


def backup_keys() -> list[bytes]:
    """The configured backup keys as raw 32-byte keys, the sealing key first."""
    keys = []
    for key in _configured_keys():
        try:
            raw = base64.urlsafe_b64decode(key.encode())
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured("BACKUP_KEYS holds a malformed key.") from exc
        if len(raw) != 32:
            raise ImproperlyConfigured("BACKUP_KEYS holds a malformed key.")
        keys.append(raw)
    return keys


@lru_cache(maxsize=64)
def _derive(key: bytes, salt: bytes) -> tuple[bytes, bytes]:
    material = HKDF(algorithm=hashes.SHA256(), length=32 + CHECK_SIZE, salt=salt, info=b"counseling backup v1").derive(
        key
    )
    return material[:32], material[32:]


# Sealing and opening a stream ----------------------------------------------------------------


class _Sealer:
    """A write-only file object that encrypts what it is given into ``target``."""

    def __init__(self, target: BinaryIO, key: bytes, kind: bytes) -> None:
        salt, nonce = os.urandom(SALT_SIZE), os.urandom(NONCE_SIZE)
        file_key, check = _derive(key, salt)
        header = MAGIC + kind + salt + nonce + check
        self._encryptor = Cipher(algorithms.AES(file_key), modes.GCM(nonce)).encryptor()
        self._encryptor.authenticate_additional_data(header)
        self._target = target
        target.write(header)

    def write(self, data: bytes) -> int:
        self._target.write(self._encryptor.update(data))
        return len(data)

    def finish(self) -> None:
        self._target.write(self._encryptor.finalize())
        self._target.write(self._encryptor.tag)


def _chunks(source: BinaryIO, limit: int | None = None) -> Iterator[bytes]:
    left = limit
    while left is None or left > 0:
        data = source.read(CHUNK if left is None else min(CHUNK, left))
        if not data:
            return
        if left is not None:
            left -= len(data)
        yield data


def read_kind(path: Path) -> bytes:
    """The kind byte of a backup file, or BackupError if it is not one."""
    with path.open("rb") as source:
        header = source.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
        raise BackupError(f"{path} is not a backup written by manage.py backup.")
    return header[len(MAGIC) : len(MAGIC) + 1]


def open_sealed(path: Path, target: BinaryIO) -> bytes:
    """Decrypt the backup at ``path`` into ``target`` and verify it; returns its kind.

    Raises BackupError when no configured key opens it or it was cut short or changed; what was
    written to ``target`` must then be thrown away.
    """
    size = path.stat().st_size
    if size < HEADER_SIZE + TAG_SIZE:
        raise BackupError(f"{path} is not a backup written by manage.py backup.")
    with path.open("rb") as source:
        header = source.read(HEADER_SIZE)
        if not header.startswith(MAGIC):
            raise BackupError(f"{path} is not a backup written by manage.py backup.")
        offset = len(MAGIC)
        kind = header[offset : offset + 1]
        salt = header[offset + 1 : offset + 1 + SALT_SIZE]
        nonce = header[offset + 1 + SALT_SIZE : offset + 1 + SALT_SIZE + NONCE_SIZE]
        check = header[-CHECK_SIZE:]
        file_key = None
        for key in backup_keys():
            derived, expected = _derive(key, salt)
            if hmac.compare_digest(expected, check):
                file_key = derived
                break
        if file_key is None:
            raise BackupError("None of the configured BACKUP_KEYS opens this backup.")
        source.seek(size - TAG_SIZE)
        tag = source.read(TAG_SIZE)
        source.seek(HEADER_SIZE)
        decryptor = Cipher(algorithms.AES(file_key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(header)
        for data in _chunks(source, size - HEADER_SIZE - TAG_SIZE):
            target.write(decryptor.update(data))
        try:
            target.write(decryptor.finalize())
        except InvalidTag as exc:
            raise BackupError(f"{path} was cut short or changed after it was written: it cannot be used.") from exc
    return kind


# The database ---------------------------------------------------------------------------------


def _pg_env(config: dict) -> dict[str, str]:
    """libpq's environment for the database (the password never appears in a process list)."""
    env = dict(os.environ)
    for name, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if config.get(name):
            env[variable] = str(config[name])
    env["PGDATABASE"] = str(config["NAME"])
    return env


def _program(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found; install the PostgreSQL client programs.")
    return found


def _dump_postgres(config: dict, sealer: _Sealer) -> None:
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603 - a fixed program and arguments, no shell
            [_program("pg_dump"), "--format=custom"],
            stdout=subprocess.PIPE,
            stderr=errors,
            env=_pg_env(config),
        )
        for data in _chunks(process.stdout):
            sealer.write(data)
        if process.wait() != 0:
            errors.seek(0)
            raise BackupError("pg_dump failed: " + errors.read().decode(errors="replace").strip())


def _dump_sqlite(alias: str, sealer: _Sealer) -> None:
    connection = connections[alias]
    connection.ensure_connection()
    # A consistent copy of the whole database, taken in memory so that no plain copy is written
    # to disk (an SQLite install is the small, embedded one).
    data = connection.connection.serialize()
    for start in range(0, len(data), CHUNK):
        sealer.write(data[start : start + CHUNK])


def write_backup(output: Path, *, alias: str = "default") -> BackupInfo:
    """Dump the database and write it sealed with the first backup key to ``output``.

    Side effects, in order: pg_dump runs (PostgreSQL) or SQLite's database is copied in memory;
    the sealed stream goes to a temporary file next to ``output`` (mode 600),
    renamed to ``output`` only when complete, so a failed run leaves no half backup behind.
    """
    key = backup_keys()[0]
    config = connections[alias].settings_dict
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        kind = KIND_POSTGRES
    elif vendor == "sqlite":
        kind = KIND_SQLITE
    else:
        raise BackupError(f"Backups of a {vendor} database are not supported.")
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, partial_name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".partial")
    partial = Path(partial_name)
    try:
        with os.fdopen(handle, "wb") as target:
            sealer = _Sealer(target, key, kind)
            if kind == KIND_POSTGRES:
                _dump_postgres(config, sealer)
            else:
                _dump_sqlite(alias, sealer)
            sealer.finish()
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupInfo(output, kind.decode(), output.stat().st_size)


def decrypt_backup(path: Path, output: Path) -> bytes:
    """Write the plain dump of the backup at ``path`` to ``output`` (mode 600); returns its kind.

    For a restore by hand (``pg_restore``) or a look inside. Side effects: ``output`` is written,
    and removed again if the backup does not verify.
    """
    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as target:
            return open_sealed(path, target)
    except BaseException:
        output.unlink(missing_ok=True)
        raise


def restore_backup(path: Path, config: dict) -> bytes:
    """Restore the backup at ``path`` into the database described by ``config`` (a Django
    DATABASES entry); returns the backup's kind.

    Side effects, in order: the backup is decrypted and verified into a private temporary folder
    (removed afterwards); then, for PostgreSQL, pg_restore replaces every object of the dump in
    the target database in one transaction (``--clean --if-exists``); for SQLite the target
    database's content is replaced by the backup's. Nothing is restored from a backup that does
    not verify.
    """
    kind = read_kind(path)
    engine = config["ENGINE"]
    if kind == KIND_POSTGRES and "postgresql" not in engine:
        raise BackupError("This backup holds a PostgreSQL dump; restore it into a PostgreSQL database.")
    if kind == KIND_SQLITE and "sqlite3" not in engine:
        raise BackupError("This backup holds an SQLite database; restore it into an SQLite database.")
    if kind not in (KIND_POSTGRES, KIND_SQLITE):
        raise BackupError(f"{path} holds a kind of backup this version cannot restore.")
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "dump"
        decrypt_backup(path, plain)
        if kind == KIND_POSTGRES:
            _restore_postgres(plain, config)
        else:
            _restore_sqlite(plain, config)
    return kind


def _restore_postgres(plain: Path, config: dict) -> None:
    result = subprocess.run(  # noqa: S603 - a fixed program and arguments, no shell
        [
            _program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={config['NAME']}",
            str(plain),
        ],
        capture_output=True,
        env=_pg_env(config),
        check=False,
    )
    if result.returncode != 0:
        raise BackupError("pg_restore failed: " + result.stderr.decode(errors="replace").strip())


def _restore_sqlite(plain: Path, config: dict) -> None:
    source = sqlite3.connect(plain)
    # The target is opened through Django when it is one of its databases (the test database
    # lives in memory), else by its file name.
    alias = next((a for a in connections if connections[a].settings_dict["NAME"] == config["NAME"]), None)
    try:
        if alias is not None:
            connection = connections[alias]
            connection.ensure_connection()
            source.backup(connection.connection)
        else:
            target = sqlite3.connect(config["NAME"])
            try:
                source.backup(target)
            finally:
                target.close()
    finally:
        source.close()
