"""What the fault drills share: their own PostgreSQL cluster and Redis, and the app's processes.

Each drill runs the real services of this machine — PostgreSQL 15 from Debian and redis-server —
but in instances of its own, so that stopping or restarting them never disturbs anything else on
the machine (a developer's database, CI's Redis):

- PostgreSQL: the cluster ``proofdrill`` on port 5499 (``pg_createcluster``), dropped at the end;
- Redis: a ``redis-server`` on port 6390, no persistence, stopped at the end.

The app's processes (gunicorn, Celery worker, beat) are started by the drill with
``benchmarks.settings`` and the drill's broker and database, and ended by their process-group id.
Every wait is bounded; a drill prints PASS or FAIL and exits 0 or 1.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python") if (BIN / "python").exists() else sys.executable
PG_VERSION = os.environ.get("DRILL_PG_VERSION") or (
    sorted(os.listdir("/etc/postgresql"))[-1] if Path("/etc/postgresql").is_dir() else "15"
)
PG_CLUSTER = "proofdrill"
PG_PORT = 5499
REDIS_PORT = 6390
DB = "proof_drill"
WEB_PORT = 8109
HOST = "127.0.0.1"


STARTED = time.monotonic()


def say(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def wait_until(check: Callable[[], bool], seconds: float, every: float = 0.5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return True
        time.sleep(every)
    return False


# --- PostgreSQL --------------------------------------------------------------------------------


def pg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, check=False)


def pg_ready() -> bool:
    return pg("pg_isready", "-h", HOST, "-p", str(PG_PORT), "-q").returncode == 0


def pg_start() -> None:
    pg("pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, PG_CLUSTER, "start")
    if not wait_until(pg_ready, 30):
        raise RuntimeError("the drill's PostgreSQL did not start")


def pg_restart() -> None:
    pg("pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, PG_CLUSTER, "restart", "-m", "fast")


def pg_stop() -> None:
    pg("pg_ctlcluster", "--skip-systemctl-redirect", PG_VERSION, PG_CLUSTER, "stop", "-m", "fast")


@contextlib.contextmanager
def postgres() -> Iterator[str]:
    """A fresh PostgreSQL cluster of our own with an empty database; dropped afterwards."""
    pg("pg_dropcluster", "--stop", PG_VERSION, PG_CLUSTER)
    made = pg(
        "pg_createcluster",
        PG_VERSION,
        PG_CLUSTER,
        "--port",
        str(PG_PORT),
        "--",
        "--auth-host=trust",
        "--auth-local=trust",
    )
    if made.returncode != 0:
        raise RuntimeError(f"pg_createcluster failed: {made.stderr.strip()}")
    try:
        pg_start()
        pg("psql", "-h", HOST, "-p", str(PG_PORT), "-U", "postgres", "-qc", f"CREATE DATABASE {DB}")
        yield f"postgres://postgres@{HOST}:{PG_PORT}/{DB}"
    finally:
        pg("pg_dropcluster", "--stop", PG_VERSION, PG_CLUSTER)


# --- Redis -------------------------------------------------------------------------------------


class Redis:
    """A redis-server of our own on REDIS_PORT: started, stopped and started again by the drill."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.url = f"redis://{HOST}:{REDIS_PORT}/0"

    def ping(self) -> bool:
        return (
            subprocess.run(
                ["redis-cli", "-h", HOST, "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True, check=False
            ).stdout.strip()
            == "PONG"
        )

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(REDIS_PORT), "--bind", HOST, "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        if not wait_until(self.ping, 15, 0.2):
            raise RuntimeError("the drill's Redis did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None


@contextlib.contextmanager
def redis() -> Iterator[Redis]:
    server = Redis()
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- The app -----------------------------------------------------------------------------------


def app_env(database_url: str, broker_url: str = "", **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "CELERY_BROKER_URL", "DATABASE_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        DATABASE_URL=database_url,
        PYTHONPATH=str(ROOT),
        STATIC_ROOT=str(Path(tempfile.gettempdir()) / "counseling-drill-static"),
        **extra,
    )
    if broker_url:
        env["CELERY_BROKER_URL"] = broker_url
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def prepare_database(env: dict[str, str]) -> None:
    say("migrating and seeding the demo school")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", "--force")
    manage(env, "collectstatic", "--noinput", "-v0")


class Processes:
    """The app's processes started by a drill; each is ended by its own process group, never by name."""

    def __init__(self, env: dict[str, str], logdir: Path) -> None:
        self.env = env
        self.logdir = logdir
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        log = (self.logdir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            args, env=env or self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running[name] = process
        return process

    def gunicorn(self, workers: int = 3) -> subprocess.Popen:
        process = self.start(
            "gunicorn",
            [
                str(BIN / "gunicorn"),
                "counseling.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"{HOST}:{WEB_PORT}",
                "--timeout",
                "30",
            ],
        )
        import urllib.request

        def up() -> bool:
            with urllib.request.urlopen(f"http://{HOST}:{WEB_PORT}/__yardstick/", timeout=2):
                return True

        if not wait_until(up, 30, 0.3):
            raise RuntimeError("gunicorn did not answer")
        return process

    def worker(self, name: str = "worker", entry: list[str] | None = None) -> subprocess.Popen:
        args = entry or [str(BIN / "celery"), "-A", "counseling", "worker"]
        return self.start(name, [*args, "--loglevel=INFO", "--concurrency=2", "--hostname", f"{name}@%h"])

    def beat(self, name: str = "beat") -> subprocess.Popen:
        schedule = self.logdir / f"{name}-schedule"
        return self.start(
            name, [str(BIN / "celery"), "-A", "counseling", "beat", "--loglevel=INFO", "--schedule", str(schedule)]
        )

    def kill(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.running.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        for name in list(self.running):
            self.kill(name)


@contextlib.contextmanager
def processes(env: dict[str, str]) -> Iterator[Processes]:
    logdir = Path(tempfile.mkdtemp(prefix="counseling-drill-"))
    procs = Processes(env, logdir)
    try:
        yield procs
    finally:
        procs.stop_all()
        say(f"process logs in {logdir}")


def django_setup(env: dict[str, str]) -> None:
    """Configure Django in this (the drill's) process, against the drill's database and broker."""
    for key in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "CELERY_BROKER_URL", "STATIC_ROOT"):
        if key in env:
            os.environ[key] = env[key]
    os.environ.pop("DEBUG", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def verdict(name: str, checks: list[tuple[str, bool]]) -> int:
    print()
    for label, ok in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {label}")
    passed = all(ok for _, ok in checks)
    print(f"\n{name}: {'PASS' if passed else 'FAIL'}", flush=True)
    return 0 if passed else 1


def require_tools() -> None:
    missing = [
        tool
        for tool in ("pg_createcluster", "pg_ctlcluster", "redis-server", "redis-cli")
        if shutil.which(tool) is None
    ]
    if missing:
        raise SystemExit(f"missing: {', '.join(missing)} (apt-get install postgresql redis-server)")
    if os.geteuid() != 0:
        raise SystemExit("the drills create their own PostgreSQL cluster: run them as root")
