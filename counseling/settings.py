"""Settings for the counseling office, read from the environment.

The embedded default (no variables set) is a SQLite file under ``var/`` and Celery tasks
run in-process, so a newcomer's first run needs no server. Production sets ``DEBUG=0``,
``SECRET_KEY``, ``DATABASE_URL``, ``CELERY_BROKER_URL``, ``FIELD_ENCRYPTION_KEYS`` and ``AUDIT_KEY``.
A missing or malformed value fails loudly at start-up instead of falling back silently.
"""

from __future__ import annotations

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """A boolean from the environment; anything but 1/0, true/false, yes/no, on/off is an error."""
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}.")

# A local, git-ignored .env (written by the README's run script for the demo) fills in what the
# process environment leaves unset.
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Demo mode only: a fixed, obviously unsafe key so sessions survive restarts.
    SECRET_KEY = "demo-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Our own apps, the one list: installed in this order, and the order in which their hook modules
# (home panels, navigation, demo data, ...) are assembled; see docs/architecture.md.
LOCAL_APPS = [
    "counseling",
    "counseling.cases",
    "counseling.reports",
    "counseling.schoolyear",
    "appointments",
    "archives",
    "campaigns",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "csp",
    "rules",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    *LOCAL_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "counseling.middleware.IdleTimeoutMiddleware",
    "counseling.middleware.SessionLifetimeMiddleware",
    "counseling.middleware.RequireStaffTwoFactorMiddleware",
    "counseling.middleware.RequirePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-axes wants to be last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "counseling.urls"
WSGI_APPLICATION = "counseling.wsgi.application"
ASGI_APPLICATION = "counseling.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "counseling.context_processors.layout",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Re-check pooled connections so a restarted PostgreSQL does not break the first request; the
    # check asks the connection's socket before it asks the server (counseling/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "counseling.postgresql"
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})
    # Wait for the writer instead of failing at once when two requests write together.
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache. CACHE_URL names a Redis database (redis://host:port/db) that every web process and host
# shares; Redis down is then a miss, never an error (counseling.cache). Without it each process keeps
# its own cache in memory (the menu, for a minute).
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("CACHE_URL must be a Redis URL (redis://, rediss:// or unix://).")
CACHES = {
    "default": {
        "BACKEND": "counseling.cache.TolerantRedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "counseling",
        # A cache that does not answer at once is treated as down: a page never waits for it.
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# Sessions, the signed-in user and their unread count kept in the cache between requests
# (counseling.services.signedin), so a signed-in page reads none of them from the database. Only
# where every process reads the same cache: a process's own memory would not see a change made by
# another (a gunicorn worker, the Celery worker, another web host), and a deactivated account or
# an ended session would live on there. Set it without CACHE_URL only for a single process.
SIGNED_IN_CACHE = env_bool("SIGNED_IN_CACHE", bool(CACHE_URL))
# Hot read queries are compiled once per process (counseling/prepared.py). With the check on, every
# call also compiles the query afresh and fails loudly if the kept form differs (tests, DEBUG).
PREPARED_QUERIES_CHECK = env_bool("PREPARED_QUERIES_CHECK", DEBUG)
# ... and PREPAREd on PostgreSQL once a connection has run them a few times, so PostgreSQL plans
# them once per connection, not on every request (off behind a pooler in transaction mode).
PREPARED_STATEMENTS = env_bool("PREPARED_STATEMENTS", True)
# The cached_db store, noting activity in the cache alone (counseling.sessions).
SESSION_ENGINE = "counseling.sessions" if SIGNED_IN_CACHE else "django.contrib.sessions.backends.db"

AUTH_USER_MODEL = "counseling.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "counseling.backends.PasswordBackend",
]
# Django's hashers, plus the cheaper one used only for the passwords printed on sign-in sheets
# (counseling.hashers); a user's own password always gets the first.
PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "counseling.hashers.SheetPasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "name", "email", "phone")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # The name in pinyin and the student number (see counseling.validators).
    {"NAME": "counseling.validators.PersonalInfoValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Idle timeouts (seconds) per kind of user; see counseling.middleware.IdleTimeoutMiddleware.
STAFF_IDLE_TIMEOUT = env.int("STAFF_IDLE_TIMEOUT", default=15 * 60)
STUDENT_IDLE_TIMEOUT = env.int("STUDENT_IDLE_TIMEOUT", default=30 * 60)
# How often a busy session's last activity is noted (in the shared cache when there is one, else a
# session write; see counseling.middleware.IdleTimeoutMiddleware).
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=60)
# With SIGNED_IN_CACHE, how often that note is also written to the session's database row: the row
# outlives the idle timeout by this much, and if the cache loses the session, its idle clock restarts
# from the row's older note (a session then ends up to this much early, never late).
SESSION_PERSIST_SECONDS = env.int("SESSION_PERSIST_SECONDS", default=10 * 60)
if SESSION_PERSIST_SECONDS < SESSION_REFRESH_SECONDS:
    raise ImproperlyConfigured("SESSION_PERSIST_SECONDS must be at least SESSION_REFRESH_SECONDS.")
# A session ends this long after sign-in whatever the activity (counseling.middleware.SessionLifetimeMiddleware).
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
REQUIRE_STAFF_2FA = env_bool("REQUIRE_STAFF_2FA", not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Counseling Office")

# django-axes: lock a user name on one address after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Every failure is logged with its time, user name and address: the spraying limits below count these rows.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The client address (django-ipware; without it axes silently uses REMOTE_ADDR, the proxy's address).
# Behind the reverse proxy (BEHIND_PROXY=1) the address is read from CLIENT_IP_HEADERS; otherwise only
# from the connection, so a client cannot choose its address by sending a header itself.
# PROXY_COUNT is the number of reverse proxies in front of gunicorn: each appends to X-Forwarded-For the
# address it received the request from, so the client is the PROXY_COUNT-th entry from the right and
# anything a client wrote further left is ignored (axes' setting counts the proxies listed in the
# header, which the nearest proxy is not).
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
PROXY_COUNT = env.int("PROXY_COUNT", default=1)
if PROXY_COUNT < 1:
    raise ImproperlyConfigured("PROXY_COUNT must be 1 or more.")
if BEHIND_PROXY:
    _client_ip_headers = [h for h in env.list("CLIENT_IP_HEADERS", default=["HTTP_X_FORWARDED_FOR"]) if h != "REMOTE_ADDR"]
    AXES_IPWARE_META_PRECEDENCE_ORDER = [*_client_ip_headers, "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = PROXY_COUNT - 1
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
    AXES_IPWARE_PROXY_COUNT = None
# Not strict: a header with more entries than proxies (a client's own X-Forwarded-For, appended to by the
# proxy) still gives the entry at the trusted position, instead of falling back to the proxy's address.
IPWARE_STRICT = False
# Password spraying (counseling.backends): failed sign-ins from one address across user names, and for one
# user name across addresses, within SIGNIN_SPRAY_WINDOW_MINUTES.
SIGNIN_SPRAY_ADDRESS_LIMIT = env.int("SIGNIN_SPRAY_ADDRESS_LIMIT", default=20)
SIGNIN_SPRAY_USERNAME_LIMIT = env.int("SIGNIN_SPRAY_USERNAME_LIMIT", default=20)
SIGNIN_SPRAY_WINDOW_MINUTES = env.int("SIGNIN_SPRAY_WINDOW_MINUTES", default=15)

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "中文"), ("en", "English")]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"LANGUAGE_CODE must be one of {', '.join(dict(LANGUAGES))}.")
# Our catalogues come before every installed app's: otherwise a library's translation of the same
# words wins (django.contrib.admin's "Search" was shown instead of ours). They never disagree with
# one another (counseling/tests/test_catalogues.py), so their order among themselves does not matter.
LOCALE_PATHS = [
    BASE_DIR / "locale",
    *(BASE_DIR / app.replace(".", "/") / "locale" for app in LOCAL_APPS if (BASE_DIR / app.replace(".", "/") / "locale").is_dir()),
]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")
# One date format per language (counseling/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["counseling.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"
# Uploads, report files and audit anchors: on this machine's disk under MEDIA_ROOT (one school, one
# server), or, with S3_BUCKET, in S3-compatible object storage (MinIO, a cloud bucket) that every
# web host and worker reads alike (counseling/storage.py; docs/operations.md "Several machines").
# Objects stay private: the app streams each file after checking access, never hands out a link.
S3_BUCKET = env.str("S3_BUCKET", default="")
S3_ENDPOINT_URL = env.str("S3_ENDPOINT_URL", default="")
S3_ACCESS_KEY_ID = env.str("S3_ACCESS_KEY_ID", default="")
S3_SECRET_ACCESS_KEY = env.str("S3_SECRET_ACCESS_KEY", default="")
S3_REGION = env.str("S3_REGION", default="us-east-1")
S3_PREFIX = env.str("S3_PREFIX", default="").strip("/")
if S3_ENDPOINT_URL and not S3_ENDPOINT_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("S3_ENDPOINT_URL must be an http:// or https:// address, e.g. http://10.0.0.5:9000.")
if S3_BUCKET and bool(S3_ACCESS_KEY_ID) != bool(S3_SECRET_ACCESS_KEY):
    raise ImproperlyConfigured("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together.")
if any((S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_PREFIX)) and not S3_BUCKET:
    raise ImproperlyConfigured("S3_ENDPOINT_URL, S3_ACCESS_KEY_ID and S3_PREFIX need S3_BUCKET.")
DEFAULT_STORAGE = (
    {
        "BACKEND": "counseling.storage.SchoolS3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL or None,
            # Unset: boto3's own chain (an instance role, ~/.aws) supplies the keys.
            "access_key": S3_ACCESS_KEY_ID or None,
            "secret_key": S3_SECRET_ACCESS_KEY or None,
            "region_name": S3_REGION,
            "location": S3_PREFIX,
            # MinIO and moto at an address answer path-style requests, not bucket.host names.
            "addressing_style": "path" if S3_ENDPOINT_URL else None,
            "signature_version": "s3v4",
            # No ACL header: objects take the bucket's default, private.
            "default_acl": None,
            # Stored names are random (uuid4), so the existence check before each save is skipped.
            "file_overwrite": True,
            # A file read whole (into a ZIP, a PDF) spills to a temporary file above 10 MB.
            "max_memory_size": 10 * 1024 * 1024,
        },
    }
    if S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "counseling.staticfiles.StaticStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail: the console by default, so the demo prints what it would send.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="counseling@school.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The site's own address ("https://counseling.school.example"), for links that leave it: a text
# message's link (counseling.services.notify). Empty: links are site paths ("/notifications/").
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
if SITE_URL and not (SITE_URL.startswith("https://") or (DEBUG and SITE_URL.startswith("http://"))):
    raise ImproperlyConfigured("SITE_URL must start with https:// (http:// only with DEBUG on), or be empty.")

# Text messages to guardians (counseling.services.sms): the console by default, so the demo prints
# what it would send. "aliyun" sends through Alibaba Cloud SMS and needs the key pair, the approved
# sign name and template code below (docs/operations.md, "The SMS channel"). A dotted path names a
# backend as EMAIL_BACKEND does; an unknown value is an error, not a silent console.
SMS_BACKENDS = {
    "console": "counseling.services.sms.ConsoleBackend",
    "locmem": "counseling.services.sms.LocmemBackend",
    "aliyun": "counseling.services.sms.AliyunBackend",
}
_sms_backend = env.str("SMS_BACKEND", default="console")
SMS_BACKEND = SMS_BACKENDS.get(_sms_backend, _sms_backend)
if SMS_BACKEND not in SMS_BACKENDS.values():
    raise ImproperlyConfigured(
        f"SMS_BACKEND must be one of {', '.join(SMS_BACKENDS)} (or its dotted path), not {_sms_backend!r}."
    )
SMS_ENDPOINT = env.str("SMS_ENDPOINT", default="https://dysmsapi.aliyuncs.com/")
if not SMS_ENDPOINT.startswith(("https://", "http://127.0.0.1:", "http://localhost:")):
    raise ImproperlyConfigured("SMS_ENDPOINT must be an https:// address (plain http only on this machine, for a test).")
SMS_REGION = env.str("SMS_REGION", default="cn-hangzhou")
SMS_ACCESS_KEY_ID = env.str("SMS_ACCESS_KEY_ID", default="")
SMS_ACCESS_KEY_SECRET = env.str("SMS_ACCESS_KEY_SECRET", default="")
# The school's name at the head of every text (【…】): the provider's approved sign name. Empty:
# OFFICE_NAME, for the console.
SMS_SIGN_NAME = env.str("SMS_SIGN_NAME", default="")
SMS_TEMPLATE_CODE = env.str("SMS_TEMPLATE_CODE", default="")
SMS_TIMEOUT = env.float("SMS_TIMEOUT", default=10.0)
if not 1 <= SMS_TIMEOUT <= 60:
    raise ImproperlyConfigured("SMS_TIMEOUT must be between 1 and 60 seconds.")
if SMS_BACKEND.endswith(".AliyunBackend"):
    _missing = [
        name
        for name in ("SMS_ACCESS_KEY_ID", "SMS_ACCESS_KEY_SECRET", "SMS_SIGN_NAME", "SMS_TEMPLATE_CODE")
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(f"SMS_BACKEND=aliyun needs {', '.join(_missing)}.")

# Celery: with no broker configured, tasks run eagerly in the web process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if not CELERY_BROKER_URL:
    # Eager tasks never touch a broker; name the in-memory one so nothing looks for localhost.
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# A task whose retry delay exceeds the visibility timeout would be delivered twice; our retries
# stay well below it (see counseling.celery.MAX_RETRY_DELAY).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 1,
}
# The demo's own broker (``make run``): kombu's file-system transport, a folder of messages in the
# var directory shared by the web process and one worker with beat, so reminders, re-sends,
# digests and waitlist expiry run without Redis. Not for production (one machine, no fan-out).
BROKER_DIR = Path(env.str("DEMO_BROKER_DIR", default=str(VAR_DIR / "broker")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "control_folder": str(BROKER_DIR / "control"),
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True

# Field encryption (counseling.crypto): comma-separated Fernet keys, the first one encrypts.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
FIELD_ENCRYPTION_KEY_FILE = VAR_DIR / "field_keys"
# Backups (manage.py backup / restore_backup): comma-separated keys (urlsafe base64 of 32 bytes,
# the Fernet key format); the first seals new backups, all open old ones. Kept apart from the
# backups and from FIELD_ENCRYPTION_KEYS' copy, so that one lost envelope does not open both.
BACKUP_KEYS = env.list("BACKUP_KEYS", default=[])
BACKUP_KEY_FILE = VAR_DIR / "backup_keys"

# The audit trail's HMAC key (counseling.crypto.audit_key): kept outside the database so whoever
# can write the database cannot re-seal edited entries. Production must set it; in demo mode
# (DEBUG on, unset) one is generated into AUDIT_KEY_FILE. Never change it: entries sealed with
# the old key would no longer verify.
AUDIT_KEY = env.str("AUDIT_KEY", default="")
AUDIT_KEY_FILE = VAR_DIR / "audit_key"
if not AUDIT_KEY and not DEBUG:
    raise ImproperlyConfigured("AUDIT_KEY must be set when DEBUG is off (32 characters or more, kept outside the database).")
if AUDIT_KEY and len(AUDIT_KEY) < 32:
    raise ImproperlyConfigured("AUDIT_KEY must be 32 characters or more.")
# Where the daily audit anchors (time, last entry id, its HMAC) are appended: outside the database,
# ideally on storage the database's owner cannot rewrite (see docs/operations.md).
# With S3_BUCKET the anchors are objects in the bucket instead (one per anchor, never rewritten),
# so every worker host and an operator's verify_audit on any host read the same ones.
AUDIT_ANCHOR_DIR = env.path("AUDIT_ANCHOR_DIR", default=VAR_DIR / "audit-anchors")

# Security headers. In production (DEBUG off) everything that `check --deploy` asks for is on.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}, "celery.app.trace": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Office-wide rules that an office may tune without a code change.
# A crisis escalation not acknowledged within this many minutes is sent again.
CRISIS_ACK_MINUTES = env.int("CRISIS_ACK_MINUTES", default=15)
# An urgent or crisis risk signal not acknowledged within this many minutes is sent again; after
# two rounds it climbs a level (the leaders are told too).
SIGNAL_RESEND_MINUTES = env.int("SIGNAL_RESEND_MINUTES", default=CRISIS_ACK_MINUTES)
if not 1 <= SIGNAL_RESEND_MINUTES <= 24 * 60:
    raise ImproperlyConfigured("SIGNAL_RESEND_MINUTES must be between 1 and 1440.")
# The mailbox's risk lexicon: phrases that flag a letter (a match flags, it never diagnoses).
# Comma-separated; empty uses the default list shipped in appointments/services/lexicon.py.
RISK_LEXICON = env.list("RISK_LEXICON", default=[])
# The student-facing help block (需要马上帮助?): the school's own numbers first, then the national
# lines. "label=number" pairs, comma-separated; the defaults are the national lines.
HELP_LINES = env.list(
    "HELP_LINES",
    default=["全国心理援助热线 / National mental-health line=12356", "报警 / Police=110", "急救 / Ambulance=120"],
)

# Shown in the header; empty means the translated default name.
OFFICE_NAME = env.str("OFFICE_NAME", default="")
# Guardian consent (counseling.schoolyear): a named screening keeps no answers of a student younger
# than this without a guardian's consent on record. 0 turns the rule off.
CONSENT_REQUIRED_UNDER_AGE = env.int("CONSENT_REQUIRED_UNDER_AGE", default=14)
if not 0 <= CONSENT_REQUIRED_UNDER_AGE <= 18:
    raise ImproperlyConfigured("CONSENT_REQUIRED_UNDER_AGE must be between 0 (off) and 18.")

# The school day (appointments): a counselor who books a time outside both their opening hours and
# these hours of a school day (Monday to Friday, inside a term) is asked to confirm it. "HH:MM".
SCHOOL_DAY_START = env.str("SCHOOL_DAY_START", default="07:00")
SCHOOL_DAY_END = env.str("SCHOOL_DAY_END", default="19:00")
if not (
    len(SCHOOL_DAY_START) == len(SCHOOL_DAY_END) == 5
    and SCHOOL_DAY_START[2] == SCHOOL_DAY_END[2] == ":"
    and SCHOOL_DAY_START.replace(":", "").isdigit()
    and SCHOOL_DAY_END.replace(":", "").isdigit()
    and "00:00" <= SCHOOL_DAY_START < SCHOOL_DAY_END <= "23:59"
    and int(SCHOOL_DAY_START[3:]) < 60
    and int(SCHOOL_DAY_END[3:]) < 60
):
    raise ImproperlyConfigured("SCHOOL_DAY_START and SCHOOL_DAY_END must be HH:MM times, the start before the end.")

# A district installation (docs/architecture.md, "Schools walled off"): one deployment serving many
# schools, each in its own PostgreSQL schema (django-tenants), chosen by the request's host name.
# Off (the default), the installation is one school, as it always was; on, it needs PostgreSQL.
DISTRICT = env_bool("DISTRICT", False)
if DISTRICT:
    if DATABASES["default"]["ENGINE"] != "counseling.postgresql":
        raise ImproperlyConfigured("DISTRICT=1 needs PostgreSQL (DATABASE_URL=postgres://...): each school is a schema.")
    DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
    # django-tenants' backend builds on ours (its health check included).
    ORIGINAL_BACKEND = "counseling.postgresql"
    DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
    TENANT_MODEL = "district.School"
    TENANT_DOMAIN_MODEL = "district.Domain"
    # The shared schema holds the schools, the district office's own work and its staff's accounts
    # (the people and audit tables of "counseling", so the office signs in and is audited like a
    # school); every school's schema holds every table of the product, its people included.
    _SCHOOL_ONLY = set(LOCAL_APPS) - {"counseling"}
    SHARED_APPS = ["django_tenants", "counseling.district", *(app for app in INSTALLED_APPS if app not in _SCHOOL_ONLY)]
    TENANT_APPS = [app for app in INSTALLED_APPS if app not in ("whitenoise.runserver_nostatic",)]
    INSTALLED_APPS = [*SHARED_APPS, *(app for app in TENANT_APPS if app not in SHARED_APPS)]
    # The school is chosen before anything else reads the database (sessions, the signed-in user).
    MIDDLEWARE = ["counseling.district.middleware.SchoolByHostMiddleware", *MIDDLEWARE]
    # The schema is set once per request (and again after a rolled-back transaction), not before
    # every cursor: a school's page then runs the same statements as in a one-school install plus
    # a constant three (the school looked up by host name), benchmarks/district.py.
    TENANT_LIMIT_SET_CALLS = True
    # The district office's site, on the district's own host name (the public schema).
    PUBLIC_SCHEMA_URLCONF = "counseling.district.urls"
    # Every cache key starts with the school's schema: one school never reads another's entries.
    CACHES["default"]["KEY_FUNCTION"] = "django_tenants.cache.make_key"
    CACHES["default"]["REVERSE_KEY_FUNCTION"] = "django_tenants.cache.reverse_key"
    # Files on a disk (no S3_BUCKET: one machine) go in a folder per school, MEDIA_ROOT/<schema>/.
    if not S3_BUCKET:
        STORAGES["default"] = {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"}
        MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    # Beat sends each periodic task once per school, carrying the school's schema to the worker.
    CELERY_BEAT_SCHEDULER = "tenant_schemas_celery.scheduler:TenantAwarePersistentScheduler"
