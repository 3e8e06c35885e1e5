"""Drill: the product on several hosts, one machine; a host stopped under load loses no booking.

    .venv/bin/python -m benchmarks.drills.hosts                   # a district: two schools
    .venv/bin/python -m benchmarks.drills.hosts --single-school   # one school, reached by address

The deployment a district runs (docs/operations.md, "Several machines"), made on one machine with
network namespaces: a switch namespace with a Linux bridge, and one namespace per host joined to it
by a veth pair on 10.88.0.0/24. Traffic runs only inside those namespaces and on loopback.

    lb      10.88.0.10  haproxy (health checks) and the load client (this process, once set up)
    web-a   10.88.0.11  gunicorn counseling.wsgi
    web-b   10.88.0.12  gunicorn counseling.wsgi
    worker  10.88.0.13  the Celery worker and the one beat
    db      10.88.0.20  the drill's own PostgreSQL cluster, listening on that address only
    redis   10.88.0.21  the drill's own redis-server (broker, sessions, cache)
    s3      10.88.0.22  moto's standalone S3 server (object storage)

Every host runs the product (``counseling.settings``) configured only by the environment: the same
SECRET_KEY, FIELD_ENCRYPTION_KEYS and AUDIT_KEY everywhere (made for this run), DATABASE_URL to db,
CACHE_URL and CELERY_BROKER_URL to redis, S3_* to s3, and a MEDIA_ROOT of its own that must stay
empty. By default every host runs a district (``DISTRICT=1``, django-tenants: each school a
PostgreSQL schema picked by the request's host name, ``ALLOWED_HOSTS=.district.drill``): the worker
host runs ``migrate_schemas --shared``, ``setup_district district.drill`` (the officer dist1),
``add_school`` for no1 and no2 (``no1.district.drill``, ``no2.district.drill``) and ``seed_demo`` in
each school (``seed_district_demo`` would, but refuses DEBUG=0). haproxy passes the Host header on
unchanged; every request of the drill names its school's host. With ``--single-school`` the hosts
run one school (DISTRICT off) reached by address, and the worker host migrates and seeds it. Then
(in a district the school is no1 unless said otherwise):

1. a class teacher signs in on web-a and hands in a contest entry through the real page; the head
   counselor downloads it from web-b through the access-checked view, byte for byte (and the
   teacher's own session, made on web-a, works on web-b; a student gets 404); in a district the
   same address at no2's host name is 404 to no2's head counselor, and the object's key in the
   bucket starts with ``no1/``;
2. the head counselor asks for the semester report on web-b; the worker host builds it; its PDF
   downloads from web-a;
3. ten students (in a district five of each school, at their school's host name) book and cancel
   through the real booking form and read pages through haproxy for 30 s; at second 10 web-a's
   gunicorn gets SIGTERM (a graceful stop) and then its link is taken down. Every request must
   succeed (every booking its redirect), the database must hold exactly one appointment per
   successful booking (in a district, in each school's own schema), and web-b must keep serving.
   The p95 is reported. Then web-a is started again and the same load runs 20 s with web-a killed
   by SIGKILL mid-request at second 8: what that costs is reported, not required;
4. no web host holds an uploaded file on its disk;
5. in a district, the district officer signs in at ``district.drill`` and the counts page lists both
   schools; beat (the tenant-aware scheduler) runs its heartbeat task in each school's schema.

Everything is torn down at the end, also after a failure or Ctrl-C; a set left by an aborted run
is removed first. Needs root (namespaces, the PostgreSQL cluster) and installs haproxy from Debian
when it is missing. Not part of CI. About three minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import ctypes
import datetime
import io
import itertools
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from benchmarks.drills import common
from benchmarks.drills.common import say

PREFIX = "hostsdrill-"
SWITCH = "switch"
ADDRESSES = {
    "lb": "10.88.0.10",
    "web-a": "10.88.0.11",
    "web-b": "10.88.0.12",
    "worker": "10.88.0.13",
    "db": "10.88.0.20",
    "redis": "10.88.0.21",
    "s3": "10.88.0.22",
}
NETMASK = 24
PG_CLUSTER = "hostsdrill"
# Not 5432: the cluster's Unix socket lives in the machine's shared /var/run/postgresql.
PG_PORT = 5498
DB = "hosts_drill"
APP_PORT = 8000
S3_PORT = 5000
BUCKET = "counseling-drill"
WEB_WORKERS = 3
CLIENTS = 10
LOAD_SECONDS = 30.0
STOP_AT = 10.0
KILL_LOAD_SECONDS = 20.0
KILL_AT = 8.0
CLONE_NEWNET = 0x40000000
LB = f"http://{ADDRESSES['lb']}"
WEB_A = f"http://{ADDRESSES['web-a']}:{APP_PORT}"
WEB_B = f"http://{ADDRESSES['web-b']}:{APP_PORT}"
# The district (the default): every host runs DISTRICT=1; each school is a PostgreSQL schema picked
# by the request's host name, and the district office's site is on its own host name.
DOMAIN = "district.drill"
SCHOOLS = {"no1": "第一中学", "no2": "第二中学"}
PASSWORD = "demo-pass-2026"  # seed_demo's published demo password


@dataclass
class Mode:
    """A district (the default) or the single school of ``--single-school``."""

    district: bool = True


MODE = Mode()


def site(school: str | None) -> str | None:
    """The Host header that reaches a school's site ("" is the district office); None for the one school."""
    if not MODE.district:
        return None
    return f"{school}.{DOMAIN}" if school else DOMAIN


def in_school(school: str | None):
    """The drill's own database reads inside one school's schema (nothing to pick for the one school)."""
    if not MODE.district or school is None:
        return contextlib.nullcontext()
    from django_tenants.utils import schema_context

    return schema_context(school)


def home_school() -> str | None:
    """The school the checks on one school use: no1 in a district."""
    return "no1" if MODE.district else None


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {result.stderr.strip()}")
    return result


# --- The network -------------------------------------------------------------------------------


def ns(host: str) -> str:
    return PREFIX + host


def in_ns(host: str, *args: str) -> list[str]:
    return ["ip", "netns", "exec", ns(host), *args]


def our_namespaces() -> list[str]:
    listed = run("ip", "netns", "list", check=False).stdout.split("\n")
    return [line.split()[0] for line in listed if line.startswith(PREFIX)]


def end_processes_in(namespace: str) -> None:
    """End the processes a drill started in one of its namespaces, by their ids (never by name)."""
    pids = [int(pid) for pid in run("ip", "netns", "pids", namespace, check=False).stdout.split()]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 10
        while pids and time.monotonic() < deadline:
            pids = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
            time.sleep(0.2)
        if not pids:
            return


def teardown_network() -> None:
    """Remove our PostgreSQL cluster and every namespace of ours (with the processes left in it).

    The cluster is stopped first (a fast shutdown), so that it is not killed with the namespace's
    other processes; the veth pairs and the bridge go with their namespaces.
    """
    common.pg("pg_dropcluster", "--stop", common.PG_VERSION, PG_CLUSTER)
    for namespace in our_namespaces():
        end_processes_in(namespace)
        run("ip", "netns", "del", namespace, check=False)


def build_network() -> None:
    """The switch namespace with a bridge, and one namespace per host plugged into it."""
    run("ip", "netns", "add", ns(SWITCH))
    run("ip", "-n", ns(SWITCH), "link", "add", "br0", "type", "bridge")
    run("ip", "-n", ns(SWITCH), "link", "set", "br0", "up")
    for host, address in ADDRESSES.items():
        run("ip", "netns", "add", ns(host))
        run("ip", "-n", ns(host), "link", "set", "lo", "up")
        port = f"v-{host}"
        run("ip", "-n", ns(SWITCH), "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns(host))
        run("ip", "-n", ns(SWITCH), "link", "set", port, "master", "br0", "up")
        run("ip", "-n", ns(host), "addr", "add", f"{address}/{NETMASK}", "dev", "eth0")
        run("ip", "-n", ns(host), "link", "set", "eth0", "up")


def set_link(host: str, up: bool) -> None:
    run("ip", "-n", ns(host), "link", "set", "eth0", "up" if up else "down")


def enter(host: str) -> None:
    """Move this process into a host's namespace (the drill acts from the lb host once it is set up)."""
    libc = ctypes.CDLL(None, use_errno=True)
    with open(f"/run/netns/{ns(host)}", "rb") as handle:
        if libc.setns(handle.fileno(), CLONE_NEWNET) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"setns into {ns(host)}: {os.strerror(error)}")


@contextlib.contextmanager
def network() -> Iterator[None]:
    home = open("/proc/self/ns/net", "rb")  # noqa: SIM115 - held open to come back to at the end
    stale = our_namespaces()
    if stale:
        say(f"removing a set left by an earlier run: {', '.join(stale)}")
    teardown_network()
    try:
        build_network()
        say(f"namespaces up: switch with a bridge, hosts {', '.join(f'{h} {a}' for h, a in ADDRESSES.items())}")
        yield
    finally:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.setns(home.fileno(), CLONE_NEWNET)
        home.close()
        teardown_network()
        left = our_namespaces()
        say("namespaces removed" if not left else f"could not remove: {', '.join(left)}")


# --- The services: PostgreSQL, Redis, the object store, the load balancer ----------------------


def start_postgres() -> str:
    """A fresh cluster of our own, started inside the db host's namespace, on its address only."""
    made = common.pg(
        "pg_createcluster",
        common.PG_VERSION,
        PG_CLUSTER,
        "--port",
        str(PG_PORT),
        "--",
        "--auth-host=trust",
        "--auth-local=trust",
    )
    if made.returncode != 0:
        raise RuntimeError(f"pg_createcluster failed: {made.stderr.strip()}")
    config = Path("/etc/postgresql") / common.PG_VERSION / PG_CLUSTER
    with (config / "postgresql.conf").open("a") as handle:
        handle.write(f"listen_addresses = '{ADDRESSES['db']}'\n")
    with (config / "pg_hba.conf").open("a") as handle:
        handle.write(f"host all all 10.88.0.0/{NETMASK} trust\n")
    run(*in_ns("db", "pg_ctlcluster", "--skip-systemctl-redirect", common.PG_VERSION, PG_CLUSTER, "start"))

    def ready() -> bool:
        return (
            run(*in_ns("db", "pg_isready", "-h", ADDRESSES["db"], "-p", str(PG_PORT), "-q"), check=False).returncode
            == 0
        )

    if not common.wait_until(ready, 30):
        raise RuntimeError("the drill's PostgreSQL did not start")
    run(
        *in_ns(
            "db", "psql", "-h", ADDRESSES["db"], "-p", str(PG_PORT), "-U", "postgres", "-qc", f"CREATE DATABASE {DB}"
        )
    )
    return f"postgres://postgres@{ADDRESSES['db']}:{PG_PORT}/{DB}"


HAPROXY_CONFIG = """\
global
    log stdout format raw local0 info
    stats socket {socket} mode 600 level admin
    maxconn 500

defaults
    mode http
    log global
    option httplog
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout queue 30s
    # A connection that cannot be made (the host is gone) is tried again on the other host.
    retries 3
    option redispatch 1
    option forwardfor

frontend www
    bind {lb}:80
    # The load client numbers its requests, so that a failed one can be found in this log.
    capture request header X-Drill-Request len 12
    http-response set-header X-Served-By %[srv_name]
    default_backend app

backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /accounts/login/ ver HTTP/1.1 hdr Host {check_host}
    http-check expect status 200
    # One request per gunicorn worker at a time: the rest wait in haproxy's queue, which a stopping
    # host never holds, rather than in the host's accept queue.
    # A check waits for a free worker like any request: give it time, so that a busy host is not
    # taken for a dead one.
    timeout check 5s
    # A connection refused (a gunicorn that stopped listening) takes the host out at once, rather
    # than at the next failed checks: the retry then goes to the other host, not back to it.
    default-server inter 1s fall 3 rise 2 maxconn {workers} observe layer4 error-limit 1 on-error mark-down
    server web-a {web_a}:{port} check
    server web-b {web_b}:{port} check
"""


def haproxy_config(workdir: Path) -> Path:
    path = workdir / "haproxy.cfg"
    path.write_text(
        HAPROXY_CONFIG.format(
            socket=workdir / "haproxy.sock",
            lb=ADDRESSES["lb"],
            check_host=site(home_school()) or ADDRESSES["lb"],
            web_a=ADDRESSES["web-a"],
            web_b=ADDRESSES["web-b"],
            port=APP_PORT,
            workers=WEB_WORKERS,
        )
    )
    return path


def haproxy_servers(workdir: Path) -> dict[str, dict[str, str]]:
    """haproxy's own view of the app servers (status, current sessions, ...) from its stats socket."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stats:
        stats.settimeout(5)
        stats.connect(str(workdir / "haproxy.sock"))
        stats.sendall(b"show stat\n")
        chunks = []
        while chunk := stats.recv(65536):
            chunks.append(chunk)
    lines = b"".join(chunks).decode().strip().splitlines()
    header = lines[0].lstrip("# ").split(",")
    rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:]]
    return {row["svname"]: row for row in rows if row["pxname"] == "app" and row["svname"].startswith("web-")}


def cut_off(log: Path, offset: int) -> list[str]:
    """The requests in haproxy's log (from ``offset``) that did not end normally: status, flags, request."""
    with log.open("rb") as handle:
        handle.seek(offset)
        lines = handle.read().decode(errors="replace").splitlines()
    found = []
    for line in lines:
        fields = line.split()
        # client [date] frontend backend/server timers status bytes cookie cookie flags ... "request"
        if len(fields) > 9 and fields[3].startswith("app/") and fields[9] != "----":
            found.append(f"{fields[5]} {fields[9]} {fields[3]} {line.rsplit(chr(34), 2)[-2][:60]}")
    return found


def answering(host: str) -> int:
    """How many requests a web host's workers hold now: connections accepted and not yet closed."""
    port = f"( sport = :{APP_PORT} )"
    established = run(*in_ns(host, "ss", "-tnH", "state", "established", port), check=False).stdout.splitlines()
    listening = run(*in_ns(host, "ss", "-ltnH", port), check=False).stdout.split()
    waiting = int(listening[1]) if len(listening) > 1 and listening[1].isdigit() else 0  # not yet accepted
    return len(established) - waiting


def install_haproxy() -> None:
    if shutil.which("haproxy"):
        return
    say("installing haproxy (apt-get)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-q", "haproxy"], env=env, check=True, stdout=subprocess.DEVNULL)


# --- The app on every host ---------------------------------------------------------------------


def host_env(base: dict[str, str], workdir: Path, host: str) -> dict[str, str]:
    """The product's settings for one host: the shared ones, and a disk of its own that must stay empty."""
    own = workdir / host
    (own / "media").mkdir(parents=True, exist_ok=True)
    return {**base, "MEDIA_ROOT": str(own / "media"), "AUDIT_ANCHOR_DIR": str(own / "audit-anchors")}


def shared_env(database_url: str) -> dict[str, str]:
    """What every host is given: the same keys, the same services. Nothing else from this shell."""
    redis = f"redis://{ADDRESSES['redis']}:6379"
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(common.ROOT),
        "DJANGO_SETTINGS_MODULE": "counseling.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "AUDIT_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": ",".join([*(ADDRESSES[h] for h in ("lb", "web-a", "web-b")), f".{DOMAIN}"]),
        "DISTRICT": "1" if MODE.district else "0",
        "DATABASE_URL": database_url,
        "CACHE_URL": f"{redis}/1",
        "CELERY_BROKER_URL": f"{redis}/0",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": f"http://{ADDRESSES['s3']}:{S3_PORT}",
        "S3_ACCESS_KEY_ID": "drill",
        "S3_SECRET_ACCESS_KEY": secrets.token_urlsafe(24),
        "S3_REGION": "us-east-1",
        "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "counseling-hostsdrill-static"),
        "BEHIND_PROXY": "1",
        # Plain HTTP inside the drill's network; production terminates TLS in front of the balancer.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        # The drill's staff sign in with a password only (no authenticator app to type from).
        "REQUIRE_STAFF_2FA": "0",
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
    }


class Hosts(common.Processes):
    """The services and the app's processes, each started inside its host's namespace."""

    def __init__(self, logdir: Path, workdir: Path, env: dict[str, str]) -> None:
        super().__init__(env, logdir)
        self.workdir = workdir

    def on(self, host: str, name: str, args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        return self.start(name, in_ns(host, *args), env=env)

    def manage(self, host: str, *args: str) -> None:
        env = host_env(self.env, self.workdir, host)
        subprocess.run(
            in_ns(host, common.PYTHON, "manage.py", *args),
            env=env,
            cwd=common.ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def web(self, *web_hosts: str) -> None:
        """Start gunicorn on each host (together), then wait until each answers its sign-in page."""
        import urllib.request

        for host in web_hosts:
            bind = f"{ADDRESSES[host]}:{APP_PORT}"
            args = [str(common.BIN / "gunicorn"), "counseling.wsgi", "--workers", str(WEB_WORKERS), "--bind", bind]
            # Each host its own control socket: gunicorn's default is one path in $HOME for all.
            args += [
                "--timeout",
                "30",
                "--graceful-timeout",
                "20",
                "--control-socket",
                str(self.workdir / host / "gunicorn.ctl"),
            ]
            self.on(host, host, args, host_env(self.env, self.workdir, host))
        for host in web_hosts:

            def up(host: str = host) -> bool:
                login = urllib.request.Request(f"http://{ADDRESSES[host]}:{APP_PORT}/accounts/login/")
                if site(home_school()):
                    login.add_header("Host", site(home_school()))
                with urllib.request.urlopen(login, timeout=2) as answer:
                    return answer.status == 200

            if not common.wait_until(up, 60, 0.3):
                raise RuntimeError(f"gunicorn on {host} did not answer")


@contextlib.contextmanager
def hosts(env: dict[str, str]) -> Iterator[Hosts]:
    workdir = Path(tempfile.mkdtemp(prefix="counseling-hostsdrill-"))
    running = Hosts(workdir / "logs", workdir, env)
    running.logdir.mkdir()
    try:
        yield running
    finally:
        running.stop_all()
        say(f"logs in {running.logdir}")


# --- A browser, just enough of one -------------------------------------------------------------


@dataclass
class Response:
    status: int
    location: str
    body: bytes
    served_by: str
    seconds: float
    resent: bool = False

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


REQUEST_NUMBERS = itertools.count(1)


class Browser:
    """One user's cookies (sent to whichever host is asked: sessions live in Redis and PostgreSQL)."""

    def __init__(self, http, cookies: dict[str, str] | None = None, host: str | None = None) -> None:
        self.http = http
        self.cookies = dict(cookies or {})
        self.host = host  # the site asked for (a school's host name in a district), whichever address

    async def request(self, method: str, url: str, data=None) -> Response:
        """One request, sent again once when the connection closes before any answer, as browsers do.

        haproxy answers a request on a kept-alive connection whose server went away without an
        answer by closing that connection silently (no 502, no log line): the HTTP/1.1 signal that
        the request may be sent again on a new connection, which browsers do, POST included.
        """
        import aiohttp

        started = time.monotonic()
        resent = False
        for attempt in range(2):
            number = str(next(REQUEST_NUMBERS))
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "X-Drill-Request": number}
            if self.host:
                headers["Host"] = self.host
            try:
                async with self.http.request(method, url, data=data, headers=headers, allow_redirects=False) as answer:
                    body = await answer.read()
                    for value in answer.headers.getall("Set-Cookie", []):
                        name, _, rest = value.partition("=")
                        self.cookies[name.strip()] = rest.split(";", 1)[0]
                    return Response(
                        answer.status,
                        answer.headers.get("Location", ""),
                        body,
                        answer.headers.get("X-Served-By", ""),
                        time.monotonic() - started,
                        resent,
                    )
            except aiohttp.ServerDisconnectedError as error:
                if attempt == 0:
                    resent = True
                    continue
                failure = error
            except (TimeoutError, aiohttp.ClientError) as error:
                failure = error
            break
        return Response(0, "", f"{failure} (request {number})".encode(), "", time.monotonic() - started, resent)

    async def get(self, url: str) -> Response:
        return await self.request("GET", url)

    async def post(self, url: str, data) -> Response:
        return await self.request("POST", url, data)


def csrf_token(page: Response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    return found.group(1) if found else ""


def http_session():
    import aiohttp

    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=40), cookie_jar=aiohttp.DummyCookieJar())


def random_png(side: int = 600) -> bytes:
    """A PNG of random pixels: about a megabyte that no compression makes smaller, unique to this run."""
    from PIL import Image

    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- Check 1: an upload on web-a downloads from web-b ------------------------------------------


async def upload_on_a_download_on_b(cookies: dict[str, str]) -> tuple[list[tuple[str, bool]], str]:
    from campaigns.models import Entry

    checks: list[tuple[str, bool]] = []
    content = random_png()
    title = f"Drill poster {secrets.token_hex(4)}"
    school = site(home_school())
    async with http_session() as http:
        teacher = Browser(http, host=school)
        page = await teacher.get(f"{WEB_A}/accounts/login/")
        signed_in = await teacher.post(
            f"{WEB_A}/accounts/login/",
            {"csrfmiddlewaretoken": csrf_token(page), "username": "teacher1", "password": PASSWORD},
        )
        say(f"teacher1 signed in on web-a: {signed_in.status} -> {signed_in.location}")
        work = await teacher.get(f"{WEB_A}/campaigns/class/")
        submit = re.search(r'href="(/campaigns/contests/\d+/submit/)"', work.text)
        form = await teacher.get(f"{WEB_A}{submit.group(1)}") if submit else work
        school_class = re.search(r'<select name="school_class"[^>]*>\s*<option value="(\d+)"', form.text)
        if submit is None or school_class is None:
            return [("the class teacher's page offers a contest to hand an entry in to", False)], ""
        import aiohttp

        data = aiohttp.FormData()
        data.add_field("csrfmiddlewaretoken", csrf_token(form))
        data.add_field("school_class", school_class.group(1))
        data.add_field("title", title)
        data.add_field("file", content, filename="poster.png", content_type="image/png")
        handed_in = await teacher.post(f"{WEB_A}{submit.group(1)}", data)
        say(f"entry handed in on web-a: {handed_in.status} -> {handed_in.location} ({len(content):,} bytes)")
        checks.append(("a class teacher handed in a contest entry on web-a (the real page)", handed_in.status == 302))
        with in_school(home_school()):
            entry = Entry.objects.filter(title=title).first()
        if entry is None:
            return [*checks, ("the entry was saved", False)], ""
        url = f"/campaigns/entries/{entry.pk}/file/"
        head = Browser(http, {"sessionid": cookies["head"]}, school)
        by_head = await head.get(f"{WEB_B}{url}")
        by_teacher = await teacher.get(f"{WEB_B}{url}")
        by_student = await Browser(http, {"sessionid": cookies["student"]}, school).get(f"{WEB_B}{url}")
        if MODE.district:  # the same address at the other school's host name, by that school's head counselor
            by_other = await Browser(http, {"sessionid": cookies["head-no2"]}, site("no2")).get(f"{WEB_B}{url}")
    where = f" at {school}" if school else ""
    say(
        f"from web-b{where}: head counselor {by_head.status} ({len(by_head.body):,} bytes), the teacher's web-a "
        f"session {by_teacher.status}, a student {by_student.status}"
    )
    checks += [
        (
            f"the head counselor downloads it from web-b{where} byte for byte",
            by_head.status == 200 and by_head.body == content,
        ),
        ("the teacher's session made on web-a works on web-b (same bytes)", by_teacher.body == content),
        (f"a student asking web-b for it is refused ({by_student.status})", by_student.status in {403, 404}),
    ]
    if MODE.district:
        say(f"the same address at {site('no2')}, by no2's head counselor: {by_other.status}")
        checks.append(
            (
                f"the same file's address at {site('no2')} is 404 to no2's head counselor ({by_other.status})",
                by_other.status == 404 and content not in by_other.body,
            )
        )
    return checks, entry.file.name


# --- Check 2: a report built on the worker host downloads from web-a ---------------------------


async def report_from_worker(cookies: dict[str, str], worker_log: Path, env: dict[str, str]) -> list[tuple[str, bool]]:
    # The coroutine has a database connection of its own (Django's connections follow the context):
    # the school is picked in it.
    with in_school(home_school()):
        return await report_in_school(cookies, worker_log, env)


async def report_in_school(cookies: dict[str, str], worker_log: Path, env: dict[str, str]) -> list[tuple[str, bool]]:
    from counseling.models import Term
    from counseling.reports.models import SemesterReport

    term = Term.objects.current()
    prefix = f"{home_school()}/" if MODE.district else ""
    async with http_session() as http:
        head = Browser(http, {"sessionid": cookies["head"]}, site(home_school()))
        page = await head.get(f"{WEB_B}/reports/")
        asked = await head.post(
            f"{WEB_B}/reports/generate/", {"csrfmiddlewaretoken": csrf_token(page), "term": term.pk}
        )
        found = re.fullmatch(r"/reports/(\d+)/", asked.location)
        say(f"semester report asked for on web-b: {asked.status} -> {asked.location}")
        if found is None:
            return [("the head counselor asked for the semester report on web-b", False)]
        report = SemesterReport.objects.get(pk=int(found.group(1)))

        def ready() -> bool:
            report.refresh_from_db()
            return report.is_ready

        built = common.wait_until(ready, 90, 1)
        # The worker renders the version's PDF into the bucket once it has built the figures.
        pdfs: list[str] = []
        common.wait_until(
            lambda: bool(
                pdfs.extend(k for k in bucket_keys(env) if k.startswith(f"{prefix}reports/") and k.endswith(".pdf"))
                or pdfs
            ),
            60,
            1,
        )
        on_worker = "reports.build_report" in worker_log.read_text(errors="replace")
        say(
            f"report v{report.version}: {report.get_status_display()}, progress {report.progress} "
            f"(in the worker's log: {on_worker}); PDF in the bucket: {', '.join(pdfs) or 'none'}"
        )
        rendered = s3_client(env).get_object(Bucket=BUCKET, Key=pdfs[0])["Body"].read() if pdfs else b""
        pdf = await head.get(f"{WEB_A}/reports/{report.pk}/pdf/")
    say(f"its PDF from web-a: {pdf.status}, {len(pdf.body):,} bytes")
    return [
        ("the head counselor asked for the semester report on web-b", asked.status == 302),
        (
            f"the worker host built it and put its PDF in the bucket (under {prefix or '/'})",
            built and on_worker and bool(rendered),
        ),
        (
            f"that PDF downloads from web-a{' at ' + site(home_school()) if MODE.district else ''}, the same bytes",
            pdf.status == 200 and pdf.body.startswith(b"%PDF") and pdf.body == rendered,
        ),
    ]


# --- Check 5: the district office sees both schools; beat sends to each school ----------------


async def district_counts() -> tuple[str, bool]:
    """The district officer signs in on the district's host name (through haproxy) and opens the counts page."""
    async with http_session() as http:
        officer = Browser(http, host=site(""))
        page = await officer.get(f"{LB}/accounts/login/")
        signed_in = await officer.post(
            f"{LB}/accounts/login/",
            {"csrfmiddlewaretoken": csrf_token(page), "username": "dist1", "password": PASSWORD},
        )
        counts = await officer.get(f"{LB}/counts/")
    listed = [name for name in SCHOOLS.values() if name in counts.text]
    say(
        f"dist1 signed in at {site('')}: {signed_in.status} -> {signed_in.location}; counts page {counts.status} "
        f"via {counts.served_by}, lists {', '.join(listed) or 'no school'}"
    )
    return (
        f"the district office's counts page at {site('')} lists both schools ({', '.join(listed)})",
        counts.status == 200 and len(listed) == len(SCHOOLS),
    )


def beat_per_school(started: datetime.datetime, beat_log: Path) -> list[tuple[str, bool]]:
    """Beat (the tenant-aware scheduler) sent its minute's heartbeat task to each school, run in its schema."""
    from counseling.models import Heartbeat

    def beaten() -> dict[str, bool]:
        found = {}
        for school in SCHOOLS:
            with in_school(school):
                found[school] = Heartbeat.objects.filter(name="beat", at__gte=started).exists()
        return found

    common.wait_until(lambda: all(beaten().values()), 70, 2)  # the heartbeat is due once a minute
    found = beaten()
    log = beat_log.read_text(errors="replace")
    scheduler = "TenantAwarePersistentScheduler" in log or "TenantAwareScheduler" in log
    say(f"beat's heartbeat in each school's schema: {found}; the tenant-aware scheduler in beat's log: {scheduler}")
    return [
        (
            f"beat (tenant-aware scheduler) sent its heartbeat to each school, run in that school's schema "
            f"({', '.join(s for s, ok in found.items() if ok) or 'none'})",
            all(found.values()),
        )
    ]


# --- Check 3: students book through haproxy while web-a goes away -------------------------------


@dataclass
class Load:
    started: float
    seconds: float
    # (second of the run, what, ok, seconds taken, host that served it, status)
    samples: list[tuple[float, str, bool, float, str, int]] = field(default_factory=list)
    booked: set[tuple[str | None, int]] = field(default_factory=set)  # (school, appointment)
    failed_bookings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    resent: list[str] = field(default_factory=list)

    def note(self, what: str, ok: bool, response: Response) -> None:
        self.samples.append(
            (time.monotonic() - self.started, what, ok, response.seconds, response.served_by, response.status)
        )
        if response.resent:
            self.resent.append(f"{what} {response.status} {response.served_by or '-'}")
        if not ok:
            self.failures.append(f"{what} {response.status} {response.served_by or '-'} {response.text[:100]!r}")

    def p95(self, what: str | None = None) -> float:
        times = [s for _, w, _, s, *_ in self.samples if what is None or w == what]
        return statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else 0.0


def local_start(href: str) -> datetime.datetime | None:
    start = parse_qs(urlsplit(href).query).get("start", [""])[0]
    try:
        return datetime.datetime.strptime(start, "%Y-%m-%dT%H:%M")
    except ValueError:
        return None


@dataclass(frozen=True)
class Pupil:
    """A student of the load: their school (None for the one school), their id and a signed-in session."""

    school: str | None
    pk: int
    session: str


async def student(http, load: Load, index: int, pupil: Pupil, earliest: datetime.datetime) -> None:
    """Book a free time (one this client alone picks from), read the pages, cancel it; again until the end."""
    me = Browser(http, {"sessionid": pupil.session}, site(pupil.school))
    while time.monotonic() - load.started < load.seconds:
        page = await me.get(f"{LB}/appointments/book/")
        load.note("page", page.status == 200, page)
        # Each client books only the times whose key falls to it, so two clients never race for
        # one time (a lost race is a polite "just taken", not what this drill is about).
        free = [
            unescape(href)
            for href in re.findall(r'href="(/appointments/book/confirm/\?[^"]+)"', page.text)
            if zlib.crc32(unescape(href).encode()) % CLIENTS == index
            and (local_start(unescape(href)) or earliest) > earliest
        ]
        if not free:
            home = await me.get(f"{LB}/")
            load.note("page", home.status == 200, home)
            await asyncio.sleep(0.5)
            continue
        confirm = random.choice(free)
        form = await me.get(f"{LB}{confirm}")
        load.note("page", form.status == 200, form)
        if form.status != 200:  # no form to send (a person would open the booking page again)
            continue
        booked = await me.post(
            f"{LB}{confirm}", {"csrfmiddlewaretoken": csrf_token(form), "channel": "face_to_face", "topic": ""}
        )
        done = re.fullmatch(r"/appointments/(\d+)/", booked.location) if booked.status == 302 else None
        load.note("book", done is not None, booked)
        if done is None:
            load.failed_bookings.append(f"{booked.status} {booked.served_by or '-'} {booked.text[:120]!r}")
            continue
        load.booked.add((pupil.school, int(done.group(1))))
        detail = await me.get(f"{LB}{booked.location}")
        load.note("page", detail.status == 200, detail)
        home = await me.get(f"{LB}/")
        load.note("page", home.status == 200, home)
        cancelled = await me.post(f"{LB}{booked.location}cancel/", {"csrfmiddlewaretoken": csrf_token(detail)})
        load.note("cancel", cancelled.status == 302 and cancelled.location == "/appointments/", cancelled)


async def drive(pupils: list[Pupil], seconds: float, at: float, action) -> tuple[Load, float]:
    """Run the students for ``seconds``; at second ``at`` run ``action`` (in a thread); its end time."""
    from zoneinfo import ZoneInfo

    earliest = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None) + datetime.timedelta(hours=6)
    load = Load(time.monotonic(), seconds)
    async with http_session() as http:
        clients = asyncio.gather(*(student(http, load, i, p, earliest) for i, p in enumerate(pupils)))
        await asyncio.sleep(at)
        await asyncio.to_thread(action)
        done_at = time.monotonic() - load.started
        await clients
    return load, done_at


def bookings_in_database(pupils: list[Pupil], load: Load, since: datetime.datetime) -> tuple[Counter, bool]:
    """(appointments the load's students made since ``since``, per school, read in each school's own schema;
    whether they are exactly the booked ones)."""
    from appointments.models import Appointment

    made: list[tuple[str | None, int]] = []
    for school in dict.fromkeys(p.school for p in pupils):
        with in_school(school):
            ids = [p.pk for p in pupils if p.school == school]
            found = Appointment.objects.filter(student_id__in=ids, created_at__gte=since).values_list("pk", flat=True)
            made += [(school, pk) for pk in found]
    return Counter(school for school, _ in made), Counter(made) == Counter(load.booked)


def counted(made: Counter) -> str:
    return ", ".join(f"{school} {n}" for school, n in made.items()) if MODE.district else str(sum(made.values()))


def served_after(load: Load, moment: float) -> Counter:
    return Counter(host for t, _, _, _, host, _ in load.samples if t > moment)


def describe(load: Load, label: str) -> None:
    failed = [s for s in load.samples if not s[2]]
    by_host = Counter(host or "-" for *_, host, _ in load.samples)
    say(
        f"{label}: {len(load.samples)} requests ({', '.join(f'{h} {n}' for h, n in sorted(by_host.items()))}), "
        f"{len(failed)} failed; {len(load.booked)} bookings"
        f"{' (' + counted(Counter(school for school, _ in load.booked)) + ')' if MODE.district else ''}, "
        f"{len(load.failed_bookings)} failed; "
        f"p95 {load.p95() * 1000:.0f} ms (bookings {load.p95('book') * 1000:.0f} ms), "
        f"max {max((s[3] for s in load.samples), default=0) * 1000:.0f} ms"
    )
    if failed:
        kinds = Counter((what, status, host or "-") for _, what, _, _, host, status in failed)
        say(
            "  failed: "
            + ", ".join(f"{n} {what} {status or 'no answer'} via {host}" for (what, status, host), n in kinds.items())
            + f", between {min(s[0] for s in failed):.1f}s and {max(s[0] for s in failed):.1f}s"
        )
    for line in load.failures[:8]:
        say(f"  {line}")
    if load.resent:
        say(f"  sent again after haproxy closed a kept-alive connection: {', '.join(load.resent)}")


# --- The drill -------------------------------------------------------------------------------------


def media_files(workdir: Path) -> dict[str, int]:
    return {
        host: sum(len(files) for *_, files in os.walk(workdir / host / "media"))
        for host in ("web-a", "web-b", "worker")
    }


def s3_client(env: dict[str, str]):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=env["S3_ENDPOINT_URL"],
        aws_access_key_id=env["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
        region_name=env["S3_REGION"],
    )


def bucket_keys(env: dict[str, str]) -> set[str]:
    keys: set[str] = set()
    for page in s3_client(env).get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        keys |= {item["Key"] for item in page.get("Contents", [])}
    return keys


def make_bucket(env: dict[str, str]) -> None:
    client = s3_client(env)

    def up() -> bool:
        client.list_buckets()
        return True

    if not common.wait_until(up, 30, 0.3):
        raise RuntimeError("the object store did not start")
    client.create_bucket(Bucket=BUCKET)


def load_students(count: int, school: str | None):
    from django.utils import timezone

    from appointments.enums import OPEN_STATUSES
    from appointments.models import Appointment
    from counseling.enums import Role
    from counseling.models import User

    with in_school(school):
        busy = Appointment.objects.filter(status__in=OPEN_STATUSES, ends_at__gt=timezone.now()).values("student_id")
        found = User.objects.filter(role=Role.STUDENT, is_active=True).exclude(pk__in=busy).order_by("pk")[:count]
        return list(found)


def pupils_of(school: str | None, count: int) -> tuple[list[Pupil], object]:
    """``count`` students of a school signed in for the load, and one more (for the refused download)."""
    from benchmarks.targets import session_for

    students = load_students(count + 1, school)
    with in_school(school):
        return [Pupil(school, s.pk, session_for(s)) for s in students[:count]], students[count]


def stop_under_load(procs: Hosts, pupils: list[Pupil]) -> list[tuple[str, bool]]:
    """The students' load through haproxy; at STOP_AT web-a's gunicorn gets SIGTERM, then its link goes down."""
    from django.utils import timezone

    since = timezone.now()
    web_a = procs.running["web-a"]

    def stop_a() -> None:
        say("web-a: SIGTERM to gunicorn (graceful stop)")
        started = time.monotonic()
        os.kill(web_a.pid, signal.SIGTERM)
        web_a.wait(timeout=40)
        set_link("web-a", up=False)
        say(f"web-a: gunicorn ended after {time.monotonic() - started:.1f}s; its link is down")

    say(
        f"{CLIENTS} students book, read and cancel through haproxy for {LOAD_SECONDS:.0f}s; web-a stops at {STOP_AT:.0f}s"
    )
    load, down_at = asyncio.run(drive(pupils, LOAD_SECONDS, STOP_AT, stop_a))
    procs.running.pop("web-a", None)
    describe(load, "graceful stop")
    made, exact = bookings_in_database(pupils, load, since)
    booked = Counter(school for school, _ in load.booked)
    after = served_after(load, down_at)
    return [
        (
            f"every request through haproxy succeeded ({len(load.samples)}, p95 {load.p95() * 1000:.0f} ms)",
            bool(load.samples) and all(sample[2] for sample in load.samples),
        ),
        (
            f"every booking got its success redirect ({len(load.booked)} bookings; requests sent again "
            f"by the client as a browser does: {len(load.resent)})",
            bool(load.booked) and not load.failed_bookings,
        ),
        (
            f"the database holds exactly one appointment per successful booking ({counted(made)}"
            f"{', each in its own schema' if MODE.district else ''})",
            exact and (not MODE.district or all(booked[school] > 0 for school in SCHOOLS)),
        ),
        (
            f"web-b kept serving after web-a was gone ({after.get('web-b', 0)} requests, web-a {after.get('web-a', 0)})",
            after.get("web-b", 0) > 0 and after.get("web-a", 0) == 0,
        ),
    ]


def kill_under_load(procs: Hosts, pupils: list[Pupil]) -> tuple[str, bool]:
    """web-a started again, the same load, and web-a's gunicorn killed (SIGKILL) while it answers requests."""
    from django.utils import timezone

    set_link("web-a", up=True)
    procs.web("web-a")
    common.wait_until(lambda: haproxy_servers(procs.workdir)["web-a"]["status"] == "UP", 20)
    since = timezone.now()
    web_a = procs.running["web-a"]
    log_from = (procs.logdir / "haproxy.log").stat().st_size
    in_flight = 0

    def kill_a() -> None:
        nonlocal in_flight

        def busy() -> bool:  # mid-request: wait (up to 5 s) until web-a's workers hold requests
            nonlocal in_flight
            in_flight = answering("web-a")
            return in_flight >= 2

        common.wait_until(busy, 5, 0.02)
        os.killpg(web_a.pid, signal.SIGKILL)
        web_a.wait(timeout=10)
        say(f"web-a: SIGKILL to gunicorn and its workers while they answered {in_flight} requests")

    say(f"web-a is back; the load again for {KILL_LOAD_SECONDS:.0f}s, web-a killed at {KILL_AT:.0f}s")
    load, _ = asyncio.run(drive(pupils, KILL_LOAD_SECONDS, KILL_AT, kill_a))
    procs.running.pop("web-a", None)
    describe(load, "hard kill")
    made, exact = bookings_in_database(pupils, load, since)
    failed = [s for s in load.samples if not s[2]]
    cut = cut_off(procs.logdir / "haproxy.log", log_from)
    say(f"haproxy's log of the kill: {', '.join(cut) or 'no request ended in an error (it closes silently)'}")
    return (
        f"(reported) SIGKILL mid-request ({in_flight} being answered): "
        f"{len(failed)} of {len(load.samples)} requests failed ({len(load.resent)} sent again), "
        f"{len(load.failed_bookings)} bookings failed; database {counted(made)} appointments for "
        f"{len(load.booked)} success redirects{'' if exact else ' (a booking saved whose answer was lost)'}",
        not failed and exact,
    )


def set_up_site(procs: Hosts) -> None:
    """On the worker host: the schema(s), and the demo school, or the district office and two demo schools."""
    if not MODE.district:
        procs.manage("worker", "migrate", "--noinput", "-v0")
        procs.manage("worker", "seed_demo", "--force")
        return
    # seed_district_demo refuses DEBUG=0 (the drill's setting): its steps, one by one.
    procs.manage("worker", "migrate_schemas", "--shared", "--noinput", "-v0")
    procs.manage(
        "worker", "setup_district", DOMAIN, "--name", "区教育局", "--officer", "dist1", "--officer-name", "区德育科",
        "--password", PASSWORD,
    )  # fmt: skip
    for schema, name in SCHOOLS.items():
        procs.manage(
            "worker",
            "add_school",
            schema,
            name,
            f"{schema}.{DOMAIN}",
            "--admin",
            f"{schema}-admin",
            "--admin-name",
            "管理员",
        )
        procs.manage("worker", "tenant_command", "seed_demo", "--force", f"--schema={schema}")
    say(f"the district office at {site('')} and the schools {', '.join(site(s) for s in SCHOOLS)} are ready")


def drill() -> int:
    common.require_tools()
    install_haproxy()
    checks: list[tuple[str, bool]] = []
    with network():
        database_url = start_postgres()
        env = shared_env(database_url)
        with hosts(env) as procs:
            # Protected mode refuses every other host when there is no password; this Redis is
            # reachable from the drill's namespaces only.
            redis_args = ["--bind", ADDRESSES["redis"], "--protected-mode", "no", "--save", "", "--appendonly", "no"]
            procs.on("redis", "redis", ["redis-server", "--port", "6379", *redis_args])
            procs.on("s3", "s3", [str(common.BIN / "moto_server"), "-H", ADDRESSES["s3"], "-p", str(S3_PORT)])
            enter("lb")
            # The drill reads the database from its async load client between requests; it is the
            # only thing running in this process, so Django's guard against that is not needed.
            os.environ.update(env, DJANGO_ALLOW_ASYNC_UNSAFE="true")
            redis_up = ["redis-cli", "-h", ADDRESSES["redis"], "ping"]
            if not common.wait_until(lambda: run(*redis_up, check=False).stdout.strip() == "PONG", 20, 0.2):
                raise RuntimeError("the drill's Redis did not start")
            make_bucket(env)
            say(
                "PostgreSQL, Redis and the object store are up; migrating and seeding "
                + ("the district and its two schools" if MODE.district else "the demo school")
                + " on the worker host"
            )
            set_up_site(procs)
            procs.manage("worker", "collectstatic", "--noinput", "-v0")
            procs.on(
                "worker",
                "worker",
                [str(common.BIN / "celery"), "-A", "counseling", "worker", "--loglevel=INFO", "--concurrency=2"],
                host_env(env, procs.workdir, "worker"),
            )
            schedule = procs.workdir / "worker" / "beat-schedule"
            procs.on(
                "worker",
                "beat",
                [
                    str(common.BIN / "celery"),
                    "-A",
                    "counseling",
                    "beat",
                    "--loglevel=INFO",
                    "--schedule",
                    str(schedule),
                ],
                host_env(env, procs.workdir, "worker"),
            )
            procs.web("web-a", "web-b")
            procs.on("lb", "haproxy", ["haproxy", "-db", "-f", str(haproxy_config(procs.workdir))])
            if not common.wait_until(
                lambda: all(s["status"] == "UP" for s in haproxy_servers(procs.workdir).values()), 30
            ):
                raise RuntimeError("haproxy does not see both web hosts")
            say("web-a and web-b up behind haproxy; the worker and beat on the worker host")

            import django

            django.setup()
            from django.db import connections

            from benchmarks.targets import session_for
            from counseling.models import User

            started = datetime.datetime.now(datetime.UTC)
            # The load's students: in a district half of them at each school.
            pupils, other = pupils_of(home_school(), CLIENTS // 2 if MODE.district else CLIENTS)
            if MODE.district:
                pupils += pupils_of("no2", CLIENTS - len(pupils))[0]
            with in_school(home_school()):
                cookies = {"head": session_for(User.objects.get(username="head")), "student": session_for(other)}
            if MODE.district:
                with in_school("no2"):
                    cookies["head-no2"] = session_for(User.objects.get(username="head"))
            connections.close_all()

            found, entry_key = asyncio.run(upload_on_a_download_on_b(cookies))
            checks += found
            checks += asyncio.run(report_from_worker(cookies, procs.logdir / "worker.log", env))

            # 3. web-a stopped under load: gracefully (must lose nothing), then killed (reported).
            checks += stop_under_load(procs, pupils)
            checks.append(kill_under_load(procs, pupils))

            # 4. Nothing uploaded sits on a host's disk; the entry is in the bucket.
            files = media_files(procs.workdir)
            keys = bucket_keys(env)
            say(f"files under each host's MEDIA_ROOT: {files}; {len(keys)} objects in the bucket")
            checks += [
                (
                    "no uploaded file on web-a's or web-b's disk (MEDIA_ROOT empty)",
                    files["web-a"] == 0 and files["web-b"] == 0,
                ),
            ]
            if MODE.district:
                key = f"{home_school()}/{entry_key}"
                checks.append((f"the entry is an object in the bucket under its school's schema ({key})", key in keys))
                # 5. The district office's counts page, on the district's own host name.
                checks.append(asyncio.run(district_counts()))
                checks += beat_per_school(started, procs.logdir / "beat.log")
            else:
                checks.append(
                    (
                        "the entry is an object in the bucket",
                        bool(entry_key) and any(k.endswith(entry_key) for k in keys),
                    )
                )
    return report(checks)


def report(checks: list[tuple[str, bool]]) -> int:
    """ok/FAIL per check; a "(reported)" line is printed as info and does not decide the verdict."""
    print()
    for label, ok in checks:
        mark = "info" if label.startswith("(reported)") else ("ok  " if ok else "FAIL")
        print(f"  {mark} {label.removeprefix('(reported) ')}")
    passed = all(ok for label, ok in checks if not label.startswith("(reported)"))
    print(f"\nSeveral hosts: {'PASS' if passed else 'FAIL'}", flush=True)
    return 0 if passed else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.drills.hosts",
        description=(
            "The several-hosts drill: two web hosts behind haproxy, a worker host, PostgreSQL, Redis and an "
            "S3 server, each in a network namespace of its own on this machine. Checks that an upload made on "
            "one web host downloads from the other, that a report built on the worker downloads from a web "
            "host, that a web host stopped under load loses no booking, and that no upload is on a web host's "
            "disk. Needs root; about three minutes."
        ),
    )
    parser.add_argument("--clean", action="store_true", help="only remove a set of namespaces left by an aborted run")
    parser.add_argument(
        "--single-school",
        action="store_true",
        help="run one school (DISTRICT off), reached by address, instead of a district of two schools",
    )
    args = parser.parse_args(argv)
    MODE.district = not args.single_school
    if args.clean:
        teardown_network()
        return 0

    def stop(signum, frame) -> None:  # SIGTERM ends the drill through its finally blocks
        raise SystemExit(1)

    signal.signal(signal.SIGTERM, stop)
    return drill()


if __name__ == "__main__":
    raise SystemExit(main())
