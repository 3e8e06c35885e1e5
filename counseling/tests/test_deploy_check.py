"""Production configuration: `check --deploy` is clean, and a missing secret fails loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
TEST_VARIABLES = {
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "REQUIRE_STAFF_2FA",
    "FIELD_ENCRYPTION_KEYS",
    "AUDIT_KEY",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Drop what the test settings put into this process's environment.
    clean = {k: v for k, v in os.environ.items() if k not in TEST_VARIABLES}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "counseling.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_deploy_check_is_clean_with_production_variables() -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="prod-" + "k7Qx2Lm9Vb4Nc8Zr1Ty6Wp3Hs5Jd0Fg" * 2,
        ALLOWED_HOSTS="counseling.school.example",
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        AUDIT_KEY="prod-audit-" + "Qm4Xr8Tz2Lp6Wv0N" * 3,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_audit_key_is_a_loud_error() -> None:
    """Without a key outside the database, whoever writes the database could re-seal the audit trail."""
    result = manage(
        "check",
        DEBUG="0",
        SECRET_KEY="prod-" + "k7Qx2Lm9Vb4Nc8Zr1Ty6Wp3Hs5Jd0Fg" * 2,
        ALLOWED_HOSTS="x.example",
    )
    assert result.returncode != 0
    assert "AUDIT_KEY must be set when DEBUG is off" in result.stderr


def test_a_short_audit_key_is_a_loud_error() -> None:
    result = manage("check", DEBUG="1", AUDIT_KEY="too-short")
    assert result.returncode != 0
    assert "AUDIT_KEY must be 32 characters or more." in result.stderr


def test_missing_secret_key_is_a_loud_error() -> None:
    result = manage("check", DEBUG="0", ALLOWED_HOSTS="x.example")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_malformed_boolean_is_a_loud_error() -> None:
    result = manage("check", DEBUG="perhaps")
    assert result.returncode != 0
    assert "perhaps" in result.stderr
