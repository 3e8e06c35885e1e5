"""The peer: django-appointment's booking page, served next to ours in the load suite (issue 17).

    .venv/bin/python benchmarks/peer.py prepare     # virtualenv (once), project, migrate, seed (once)
    .venv/bin/python benchmarks/peer.py serve       # gunicorn on 127.0.0.1:8119 (foreground)
    .venv/bin/python benchmarks/peer.py profile     # one request at a time, in-process

Issue 17 asks that our booking page be at least as fast as a peer's in the same run. The peer is
django-appointment 3.12.0 from PyPI, set up as its README says, and none of its code is in this
repository:

1. A separate virtualenv (``~/.cache/counseling-bench/peer-venv``, or ``PEER_VENV``) made once
   with django-appointment, our Django, psycopg2-binary and gunicorn, at pinned versions.
2. A minimal Django project written at run time into ``var/peer-site`` (git-ignored): the app in
   ``INSTALLED_APPS``, its URLs under ``appointment/``, ``APPOINTMENT_*`` settings, PostgreSQL
   database ``peer_bench`` with persistent connections like ours, DEBUG off, our language and
   time zone. Its migrations are made as the README says (``makemigrations appointment``).
3. A school-sized office in the peer's own models (``benchmarks/peer_seed.py``, run with the
   peer's Python): 4 staff members working every weekday, 2 services, 300 clients and 2,000
   appointments over past and coming weeks, planned by ``seed_plan`` below. A database that
   already holds it is reused unless ``--rebuild``.
4. gunicorn with as many sync workers as ours, on its own port; the page measured is the
   README's booking page for a service, ``/appointment/request/<service_id>/``, anonymous.

``benchmarks/load.py`` and ``benchmarks/compare.py`` run ``prepare`` and ``serve`` (``--no-peer``
skips the peer); ``prepare`` prints the page as a load-suite target on its last line (JSON).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402

VENV = Path(os.environ.get("PEER_VENV") or Path.home() / ".cache" / "counseling-bench" / "peer-venv")
SITE = ROOT / "var" / "peer-site"
LOG = SITE / "serve.log"
# The peer and what it needs, pinned: the same Django, driver and server as ours (requirements.txt),
# then django-appointment's own requirements as pip resolved them in December 2026.
REQUIREMENTS = [
    "django-appointment==3.12.0",
    "Django==5.2.19",
    "psycopg2-binary==2.9.13",
    "gunicorn==27.0.1",
    "asgiref==3.13.0",
    "babel==2.19.0",
    "colorama==0.4.6",
    "django-phonenumber-field==8.5.0",
    "icalendar==7.3.2",
    "phonenumbers==9.0.43",
    "pillow==12.3.0",
    "python-dateutil==4.0.0",
    "sqlparse==0.6.1",
    "typing_extensions==4.16.0",
    "tzdata==2026.6",
]
DB = "peer_bench"
PORT = 8119
NAME = "peer booking page"
TIME_ZONE = "Asia/Shanghai"
# The page must show the booking calendar and the staff to choose from (its slots come by AJAX).
EXPECT = 'id="calendar"'

STAFF, CLIENTS, APPOINTMENTS = 4, 300, 2000
PAST_WEEKS, COMING_WEEKS = 20, 4
WORKDAY = (8, 17)  # hours: the first start and the end of the day
SERVICES = [
    {"name": "Individual counseling", "minutes": 50, "price": "0"},
    {"name": "Parent consultation", "minutes": 30, "price": "0"},
]


def seed_plan(today: datetime.date, seed: int = 17) -> dict:
    """What the peer's database holds: staff, their hours, services, clients and appointments.

    Plain data (JSON), made here and written by ``benchmarks/peer_seed.py`` with the peer's models.
    Every staff member works Monday to Friday, 8:00 to 17:00, and offers every service. The
    appointments start on the hour on a weekday between ``PAST_WEEKS`` weeks before ``today`` and
    ``COMING_WEEKS`` after it, never two at once for one staff member, each within the day.
    """
    rng = random.Random(seed)
    staff = [
        {"username": f"staff{i + 1}", "first_name": f"Staff{i + 1}", "last_name": "Counselor"} for i in range(STAFF)
    ]
    clients = [
        {"username": f"client{i + 1:03d}", "first_name": f"Client{i + 1:03d}", "last_name": "Student"}
        for i in range(CLIENTS)
    ]
    # The peer numbers days from Sunday = 0; Python's weekday() from Monday = 0.
    hours = [
        {"day_of_week": day, "start": f"{WORKDAY[0]:02d}:00", "end": f"{WORKDAY[1]:02d}:00"} for day in range(1, 6)
    ]
    first = today - datetime.timedelta(days=today.weekday() + 7 * PAST_WEEKS)
    days = [first + datetime.timedelta(days=n) for n in range(7 * (PAST_WEEKS + COMING_WEEKS + 1))]
    slots = [
        (member, day, hour)
        for day in days
        if day.weekday() < 5
        for hour in range(WORKDAY[0], WORKDAY[1])
        for member in range(STAFF)
    ]
    appointments = []
    for member, day, hour in sorted(rng.sample(slots, APPOINTMENTS), key=lambda s: (s[1], s[2], s[0])):
        service = rng.randrange(len(SERVICES))
        start = datetime.datetime.combine(day, datetime.time(hour))
        end = start + datetime.timedelta(minutes=SERVICES[service]["minutes"])
        appointments.append(
            {
                "staff": member,
                "client": rng.randrange(CLIENTS),
                "service": service,
                "date": day.isoformat(),
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
            }
        )
    return {
        "staff": staff,
        "working_hours": hours,
        "services": SERVICES,
        "clients": clients,
        "appointments": appointments,
    }


SETTINGS = '''"""Written by benchmarks/peer.py: django-appointment 3.12.0 as its README sets it up."""

SECRET_KEY = "peer-benchmark-only-secret-key-never-used-in-production-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "appointment",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peer_site.urls"
WSGI_APPLICATION = "peer_site.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": %(db)r,
        "USER": "postgres",
        "HOST": "127.0.0.1",
        "PORT": "5432",
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = %(time_zone)r
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
APPOINTMENT_WEBSITE_NAME = "Counseling office"
APPOINTMENT_SLOT_DURATION = 60
APPOINTMENT_LEAD_TIME = (%(start)d, 0)
APPOINTMENT_FINISH_TIME = (%(end)d, 0)
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
'''

URLS = """from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("appointment/", include("appointment.urls")),
]
"""

WSGI = """import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_site.settings")
application = get_wsgi_application()
"""


def venv_python() -> str:
    return str(VENV / "bin" / "python")


def ensure_venv() -> None:
    """Make the peer's virtualenv, once: reused while it holds the pinned requirements."""
    marker = VENV / ".counseling-bench"
    if marker.exists() and marker.read_text().split() == REQUIREMENTS:
        return
    print(f"Installing the peer into {VENV} ({REQUIREMENTS[0]}) ...", file=sys.stderr, flush=True)
    VENV.parent.mkdir(parents=True, exist_ok=True)
    load.run([sys.executable, "-m", "venv", "--clear", str(VENV)], dict(os.environ), stdout=sys.stderr)
    pip = [venv_python(), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    load.run([*pip, *REQUIREMENTS], dict(os.environ), stdout=sys.stderr)
    marker.write_text("\n".join(REQUIREMENTS) + "\n")


def write_site(db: str) -> None:
    """The peer's Django project, written afresh at every run (nothing of it is tracked)."""
    package = SITE / "peer_site"
    package.mkdir(parents=True, exist_ok=True)
    files = {
        "__init__.py": "",
        "settings.py": SETTINGS % {"db": db, "time_zone": TIME_ZONE, "start": WORKDAY[0], "end": WORKDAY[1]},
        "urls.py": URLS,
        "wsgi.py": WSGI,
    }
    for name, text in files.items():
        (package / name).write_text(text)


def peer_env(db: str = DB) -> dict[str, str]:
    """The peer's processes: its settings, our seeding module, nothing of our settings."""
    env = {key: value for key, value in load.bench_env(db).items() if key not in {"DATABASE_URL", "CONN_MAX_AGE"}}
    env.update(DJANGO_SETTINGS_MODULE="peer_site.settings", PYTHONPATH=f"{SITE}{os.pathsep}{ROOT}")
    return env


def seeded(db: str) -> bool:
    if load.psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") != "1":
        return False
    return load.psql("SELECT value FROM bench_meta WHERE key = 'peer'", db) == "complete"


def manage(env: dict[str, str], *args: str) -> None:
    # The peer's output goes to stderr: stdout carries the target (JSON) to load.py.
    load.run([venv_python(), "-m", "django", *args], env, stdout=sys.stderr)


def target(db: str) -> dict:
    """The page measured, as a load-suite target: the booking page of the service all staff offer."""
    service = load.psql("SELECT min(id) FROM appointment_service", db)
    return {"name": NAME, "path": f"/appointment/request/{service}/", "cookies": [], "expect": EXPECT}


def prepare(db: str = DB, rebuild: bool = False) -> dict:
    """Install (once), write the project, migrate and seed (once); return the page as a target."""
    ensure_venv()
    write_site(db)
    env = peer_env(db)
    fresh = rebuild or not seeded(db)
    if fresh:
        print(f"Seeding the peer's database {db} ...", file=sys.stderr, flush=True)
        load.psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        load.psql(f'CREATE DATABASE "{db}"')
    # As the README says: the package ships no migrations, they are made into the virtualenv (and
    # made again, the same, when the virtualenv is made again).
    manage(env, "makemigrations", "appointment", "-v0")
    manage(env, "migrate", "--noinput", "-v0")
    if fresh:
        today = datetime.datetime.now(ZoneInfo(TIME_ZONE)).date()
        plan = json.dumps(seed_plan(today))
        load.run([venv_python(), "-m", "benchmarks.peer_seed"], env, input=plan, text=True, stdout=sys.stderr)
    return target(db)


def serve_command(port: int, workers: int) -> list[str]:
    """gunicorn as ours runs (load.py), from the peer's virtualenv and project."""
    return [
        str(VENV / "bin" / "gunicorn"),
        "peer_site.wsgi",
        "--chdir",
        str(SITE),
        "--workers",
        str(workers),
        "--bind",
        f"{load.HOST}:{port}",
        "--backlog",
        "256",
        "--log-level",
        "warning",
        "--access-logfile",
        "/dev/null",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description="\n\n".join(__doc__.split("\n\n")[:2]), formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=["prepare", "serve", "profile"], help="what to do (see above)")
    parser.add_argument("--db", default=DB, help="PostgreSQL database of the peer")
    parser.add_argument("--rebuild", action="store_true", help="drop and seed the peer's database again")
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2), help="gunicorn sync workers")
    args = parser.parse_args()
    if args.command == "prepare":
        print(json.dumps(prepare(args.db, args.rebuild)))
    elif args.command == "serve":
        # Replaced by gunicorn: the caller's signals reach it (load.py stops its process group).
        # Its messages (each worker warns that django-q is absent) go to a log, not amid the figures.
        command = serve_command(args.port, args.workers)
        print(f"peer: {NAME} on http://{load.HOST}:{args.port}, messages in {LOG.relative_to(ROOT)}", flush=True)
        log = os.open(LOG, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(log, sys.stdout.fileno())  # the peer logs to stdout
        os.dup2(log, sys.stderr.fileno())
        os.execve(command[0], command, peer_env(args.db))
    else:
        payload = json.dumps([target(args.db)])
        command = [venv_python(), "-m", "benchmarks.profile"]
        out = load.run(command, peer_env(args.db), input=payload, capture_output=True, text=True).stdout
        print(out.strip().splitlines()[-1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
