"""Settings for the performance suite and the fault drills only: production-like, on loopback.

The product's settings with ``DEBUG`` off, plain HTTP on 127.0.0.1, and one extra URLconf that
adds the yardstick view. Nothing here is imported by the product.
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-never-used-in-production-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("REQUIRE_STAFF_2FA", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Mail goes nowhere unless a drill asks for files (EMAIL_URL=filemail://...).
os.environ.setdefault("EMAIL_URL", "dummymail://")
# A fixed key for the synthetic dataset only.
os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "3hTnXgq7hQ2m0m8bOQ0cR5m5Z1l8n3o5aC2Yk7xG0ZU=")

os.environ.setdefault("AUDIT_KEY", "benchmark-only-audit-key-0123456789-abcdefghij")

from counseling.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]  # noqa: F405 - for the yardstick's template
STATIC_ROOT = os.environ.get("STATIC_ROOT", "/tmp/counseling-bench-static")
# The load client signs in once per user; lockouts would only measure django-axes.
AXES_ENABLED = False
