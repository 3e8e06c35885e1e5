"""Settings for the test suite: the real settings with test-only secrets and fast hashing.

DATABASE_URL still decides the database (SQLite by default, PostgreSQL in CI).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1,.district.test,district.test")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("REQUIRE_STAFF_2FA", "0")
# Two fixed test keys: the first encrypts. Never used outside the tests.
os.environ.setdefault(
    "FIELD_ENCRYPTION_KEYS",
    "qZAI-FbmNmH1FfeH5EZSMnrMdrRuuYoiccpTMWx0qSY=,Z5BfcaGh6pmD2lDF9yUBgLprA7Rz1T01x3utChM5So8=",
)

# One process: the signed-in state is cached in its own memory, so the tests exercise every invalidation.
os.environ.setdefault("SIGNED_IN_CACHE", "1")
# Every prepared query is also compiled afresh and compared with its kept form (counseling/prepared.py).
os.environ.setdefault("PREPARED_QUERIES_CHECK", "1")
# Query counts and captured SQL stay as written; test_prepared.py turns PostgreSQL's PREPARE on.
os.environ.setdefault("PREPARED_STATEMENTS", "0")
# A fixed audit HMAC key for the tests only.
os.environ.setdefault("AUDIT_KEY", "test-only-audit-key-0123456789-abcdefghijklmnop")

from counseling.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "counseling.hashers.SheetPasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "counseling.services.sms.LocmemBackend"
# Tasks run in-process, except in a child process a real-broker test starts on purpose.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("TEST_REAL_BROKER") != "1"
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
# Every request notes its activity (in the cache; the session row every SESSION_PERSIST_SECONDS), so
# query counts do not depend on the clock.
SESSION_REFRESH_SECONDS = 0
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if DISTRICT:  # noqa: F405
    # As in production: every cache key starts with the school's schema (counseling.settings).
    CACHES["default"]["KEY_FUNCTION"] = "django_tenants.cache.make_key"
    CACHES["default"]["REVERSE_KEY_FUNCTION"] = "django_tenants.cache.reverse_key"
