"""The performance suite: one command, a school-sized dataset, gunicorn on PostgreSQL, a table.

    .venv/bin/python benchmarks/load.py                 # build (or reuse) the dataset, run, print
    .venv/bin/python benchmarks/load.py --write-docs    # ... and write docs/performance.md
    .venv/bin/python benchmarks/load.py --rebuild       # drop and rebuild the dataset first
    .venv/bin/python benchmarks/load.py --only "booking page" --seconds 3   # a few pages, quickly

What it does, in order:
1. Creates the PostgreSQL database ``proof_bench`` (``--db``) on the local server, migrates it and
   fills it with ``benchmarks/dataset.py``: 3,000 students and a school year of appointments,
   cases and notes, screenings, warnings and campaigns. A database that already holds the
   dataset is reused unless ``--rebuild``.
2. Serves the product with gunicorn (``benchmarks.settings``: DEBUG off, the product's URLs plus
   a yardstick view) on 127.0.0.1:8109.
3. Signs in the users each page needs (sessions made directly in the database) and drives the
   pages with a small asyncio client (aiohttp), first at 50 and then at 10 concurrent
   connections, each page for ``--seconds`` seconds, and prints requests per second and
   p50/p95/p99 latency per page next to the yardstick: one query, a tiny template.
4. Unless ``--no-peer``, does the same for the peer's booking page (issue 17: ours at least as
   fast): django-appointment on its own server and database, set up by ``benchmarks/peer.py``.

Targets (issue 9, on 2 cores): each page at least 0.6 times the yardstick's throughput at 50
connections, and p95 at or under 60 ms at 10 connections. Traffic goes to loopback only, and
every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PG = "postgres://postgres@127.0.0.1:5432"
HOST = "127.0.0.1"
PEER = str(ROOT / "benchmarks" / "peer.py")
# Issue 17's targets on 2 cores. Throughput is judged against the commit before that work, side
# by side (benchmarks/compare.py: every page ≥ 2 ×); this run judges the signed-in yardstick's
# ratio at 50 connections and each page's p95 at 10.
SIGNED_IN_RATIO = 0.6
P95_LIMIT_MS = 100.0
P95_LIMITS_MS = {"student home": 60.0, "booking page": 60.0}


def bench_env(db: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "CELERY_BROKER_URL"}}
    # Served as a school with several web processes is: sessions and the signed-in state in Redis
    # (a Redis that does not answer is a miss: the pages then read the database).
    env.setdefault("CACHE_URL", "redis://127.0.0.1:6379/3")
    env.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        DATABASE_URL=f"{PG}/{db}",
        PYTHONPATH=str(ROOT),
        CONN_MAX_AGE="600",
        **extra,
    )
    return env


def run(cmd: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def psql(sql: str, db: str = "postgres") -> str:
    out = subprocess.run(
        ["psql", "-h", HOST, "-U", "postgres", "-d", db, "-Atqc", sql], capture_output=True, text=True, check=False
    )
    return out.stdout.strip()


def dataset_ready(db: str) -> bool:
    if psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") != "1":
        return False
    return psql("SELECT value FROM bench_meta WHERE key = 'dataset'", db) == "complete"


def build_dataset(db: str, env: dict[str, str]) -> None:
    print(f"Building the dataset in {db} (a few minutes) ...", flush=True)
    psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{db}"')
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    run([PYTHON, "-m", "benchmarks.dataset"], env)


@dataclass
class Target:
    name: str
    path: str
    cookies: list[str] = field(default_factory=list)
    # Text the page must contain (checked once before measuring), and another server than ours.
    expect: str = ""
    origin: str = ""

    def url(self, base: str) -> str:
        return (self.origin or base) + self.path


def prepare_targets(env: dict[str, str]) -> list[Target]:
    out = run([PYTHON, "-m", "benchmarks.targets"], env, capture_output=True, text=True).stdout
    return [Target(**row) for row in json.loads(out.strip().splitlines()[-1])]


def peer_target(db: str, port: int, rebuild: bool = False) -> Target:
    """The peer's booking page, its virtualenv, project and data made first (benchmarks/peer.py)."""
    command = [PYTHON, PEER, "prepare", "--db", db] + (["--rebuild"] if rebuild else [])
    out = run(command, dict(os.environ), stdout=subprocess.PIPE, text=True).stdout
    return Target(**json.loads(out.strip().splitlines()[-1]), origin=f"http://{HOST}:{port}")


def serve_peer(db: str, port: int, workers: int) -> subprocess.Popen:
    command = [PYTHON, PEER, "serve", "--db", db, "--port", str(port), "--workers", str(workers)]
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True)


def profile_pages(env: dict[str, str], targets: list[Target], peer_db: str | None = None) -> list[str]:
    """One request at a time, in-process: queries, time and size per page (benchmarks/profile.py).

    With ``peer_db``, the peer's page too, in its own process (``benchmarks/peer.py profile``).
    """
    payload = json.dumps([t.__dict__ for t in targets if not t.origin])
    out = run([PYTHON, "-m", "benchmarks.profile"], env, input=payload, capture_output=True, text=True).stdout
    rows = json.loads(out.strip().splitlines()[-1])
    if peer_db:
        out = run([PYTHON, PEER, "profile", "--db", peer_db], dict(os.environ), capture_output=True, text=True).stdout
        rows += json.loads(out.strip().splitlines()[-1])
    lines = [
        "| page | SQL queries | one request, ms | Python CPU, ms | of which SQL, ms | HTML KiB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} | {row['queries']} | {row['ms']:.1f} | {row['cpu_ms']:.1f} | {row['sql_ms']:.1f} | "
            f"{row['kib']:.0f} |"
        )
    print("\n".join(lines), flush=True)
    return lines


@dataclass
class Result:
    name: str
    connections: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def drive(
    base: str, target: Target, connections: int, seconds: float, session_cookie: str, host: str = ""
) -> Result:
    """``connections`` clients, each sending one request after another for ``seconds``.

    ``host``: the Host header to send (a school of a district is chosen by it; benchmarks/district.py).
    """
    import aiohttp

    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=connections, force_close=False)
    timeout = aiohttp.ClientTimeout(total=30)
    deadline = time.perf_counter() + seconds

    async with aiohttp.ClientSession(connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def client(index: int) -> None:
            nonlocal errors
            headers = {"Accept-Language": "zh-hans"}
            if host:
                headers["Host"] = host
            if target.cookies:
                headers["Cookie"] = f"{session_cookie}={target.cookies[index % len(target.cookies)]}"
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                try:
                    async with http.get(target.url(base), headers=headers, allow_redirects=False) as response:
                        await response.read()
                        ok = response.status == 200
                except (TimeoutError, aiohttp.ClientError):
                    ok = False
                if ok:
                    latencies.append((time.perf_counter() - started) * 1000)
                else:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(client(i) for i in range(connections)))
        elapsed = time.perf_counter() - started
    return Result(target.name, connections, len(latencies), errors, elapsed, latencies)


def wait_for(url: str, seconds: float = 30) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


def check_targets(base: str, targets: list[Target], session_cookie: str) -> None:
    """Every page must answer 200 with its users' sessions (not a redirect to the sign-in page)."""
    import urllib.request

    for target in targets:
        request = urllib.request.Request(target.url(base))
        if target.cookies:
            request.add_header("Cookie", f"{session_cookie}={target.cookies[0]}")
        with urllib.request.urlopen(request, timeout=30) as response:
            if response.status != 200 or "/accounts/login/" in response.geturl():
                raise SystemExit(f"{target.name} ({target.path}) does not answer 200: {response.status}")
            if target.expect and target.expect not in response.read().decode():
                raise SystemExit(f"{target.name} ({target.url(base)}) does not show {target.expect!r}")


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    pg = psql("SHOW server_version")
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, PostgreSQL {pg}"
    )


def table(results: dict[tuple[str, int], Result], names: list[str], yardstick: str) -> list[str]:
    lines = [
        "| page | conns | req/s | × yardstick | p50 ms | p95 ms | p99 ms | errors | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for connections in (50, 10):
        base = results[(yardstick, connections)].rps
        for name in names:
            r = results[(name, connections)]
            ratio = r.rps / base if base else 0.0
            if name == yardstick:
                verdict = "yardstick"
            elif name == PEER_PAGE:
                verdict = "peer (issue 17)"
            elif name == "signed-in yardstick":
                if connections == 50:
                    verdict = "ok" if ratio >= SIGNED_IN_RATIO else f"MISS (< {SIGNED_IN_RATIO}×)"
                else:
                    verdict = "reference"
            elif name in REFERENCES or connections == 50:
                verdict = "reference" if name in REFERENCES else "see side by side"
            else:
                limit = P95_LIMITS_MS.get(name, P95_LIMIT_MS)
                verdict = "ok" if r.pct(95) <= limit else f"MISS (p95 > {limit:.0f} ms)"
            lines.append(
                f"| {name} | {connections} | {r.rps:.0f} | {ratio:.2f} | {r.pct(50):.1f} | {r.pct(95):.1f} | "
                f"{r.pct(99):.1f} | {r.errors} | {verdict} |"
            )
    return lines


BEGIN, END = "<!-- load-run:begin -->", "<!-- load-run:end -->"


def write_docs(lines: list[str], args: argparse.Namespace, summary: str, counts: str, profile: list[str]) -> None:
    """Replace the run section of docs/performance.md (between its markers) with this run."""
    path = ROOT / "docs" / "performance.md"
    pages = "\n".join(f"| {t.name} | `{t.url('')}` | {WHO.get(t.name, '')} |" for t in TARGETS_SEEN)
    run_text = f"""{BEGIN}
## Run of {datetime.date.today().isoformat()}

Machine: {machine()}. Load average when the run started: {LOAD_AT_START[0]:.1f}.
Dataset `{args.db}`: {counts}. gunicorn {args.workers} sync workers; {args.seconds:g} s per page and
concurrency.

{chr(10).join(lines)}

{summary}

One request at a time (no concurrency, in-process, median of 21), to see where a page's time goes. "Python CPU"
is the CPU time of the Django process alone (not PostgreSQL's), steadier than the wall clock on a busy machine:

{chr(10).join(profile)}

| page | URL | signed in as |
|---|---|---|
{pages}
{END}"""
    text = path.read_text()
    before, _, rest = text.partition(BEGIN)
    _, _, after = rest.partition(END)
    path.write_text(before + run_text + after)
    print(f"wrote {path.relative_to(ROOT)}")


# Issue 17: our booking page at least as fast as the peer's (benchmarks/peer.py), in the same run.
PEER_PAGE, OUR_PAGE = "peer booking page", "booking page"


def versus_peer(results: dict[tuple[str, int], Result]) -> str:
    """One line: our booking page's requests per second over the peer's, and both p95s."""
    parts = []
    for connections in (50, 10):
        ours, peer = results.get((OUR_PAGE, connections)), results.get((PEER_PAGE, connections))
        if ours and peer and peer.rps:
            parts.append(
                f"{ours.rps / peer.rps:.2f}× at {connections} connections (p95 {ours.pct(95):.0f} ms against "
                f"{peer.pct(95):.0f} ms)"
            )
    if not parts:
        return ""
    return f"Booking page against the peer's (issue 17, target ≥ 1×): {'; '.join(parts)}."


# Rows measured for comparison only, with no target of their own.
REFERENCES = {"signed-in yardstick", PEER_PAGE}
WHO = {
    "yardstick": "anonymous (one query, tiny template)",
    "signed-in yardstick": "50 different students (the yardstick's view, with the session, the user and the menu)",
    "student home": "50 different students",
    "booking page": "50 different students",
    "counselor week": "the four counselors",
    "case list": "the four counselors",
    "archive page": "one counselor, on the student of theirs with the longest history",
    "screening results": "the four counselors",
    "campaign page": "the four counselors",
    PEER_PAGE: "anonymous, on the peer's own server and database (django-appointment 3.12.0, benchmarks/peer.py)",
}
TARGETS_SEEN: list[Target] = []
LOAD_AT_START: list[float] = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="proof_bench", help="PostgreSQL database for the dataset")
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the dataset")
    parser.add_argument("--seconds", type=float, default=10.0, help="seconds per page and concurrency")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2), help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8109)
    parser.add_argument("--write-docs", action="store_true", help="write docs/performance.md")
    parser.add_argument("--no-peer", action="store_true", help="skip the peer's booking page (benchmarks/peer.py)")
    parser.add_argument("--peer-db", default="peer_bench", help="PostgreSQL database of the peer")
    parser.add_argument("--peer-port", type=int, default=8119)
    parser.add_argument(
        "--only", default="", help='comma-separated pages to measure, e.g. "booking page,peer booking page"'
    )
    args = parser.parse_args()
    args.seconds = min(max(args.seconds, 1.0), 120.0)
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    LOAD_AT_START.append(os.getloadavg()[0])

    env = bench_env(args.db)
    if args.rebuild or not dataset_ready(args.db):
        build_dataset(args.db, env)
    else:
        # A dataset built by an older tree: bring its schema up to date (a no-op when it is current).
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    counts = run([PYTHON, "-m", "benchmarks.dataset", "--counts"], env, capture_output=True, text=True).stdout.strip()
    print(f"Dataset: {counts}")
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    targets = prepare_targets(env)
    peer = not args.no_peer and (not only or PEER_PAGE in only)
    if peer:
        page = peer_target(args.peer_db, args.peer_port)
        after = next((i + 1 for i, t in enumerate(targets) if t.name == OUR_PAGE), len(targets))
        targets.insert(after, page)
    if only:
        unknown = only - {t.name for t in targets}
        if unknown:
            raise SystemExit(f"--only: no page named {', '.join(sorted(unknown))}")
        # The yardstick stays: every ratio is to it.
        targets = [t for t in targets if t.name in only or t.name == "yardstick"]
    TARGETS_SEEN.extend(targets)
    profile = profile_pages(env, targets, args.peer_db if peer else None)
    session_cookie = "sessionid"

    base = f"http://{HOST}:{args.port}"
    server = subprocess.Popen(
        [
            GUNICORN,
            "counseling.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"{HOST}:{args.port}",
            "--backlog",
            "256",
            "--log-level",
            "warning",
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    servers = [server]
    results: dict[tuple[str, int], Result] = {}
    try:
        if peer:
            servers.append(serve_peer(args.peer_db, args.peer_port, args.workers))
            wait_for(next(t for t in targets if t.name == PEER_PAGE).url(base))
        wait_for(f"{base}/__yardstick/")
        check_targets(base, targets, session_cookie)
        for connections in (50, 10):
            for target in targets:
                # A short warm-up so every worker has its connection and templates.
                asyncio.run(drive(base, target, connections, 1.0, session_cookie))
                result = asyncio.run(drive(base, target, connections, args.seconds, session_cookie))
                results[(target.name, connections)] = result
                print(
                    f"  {target.name:<18} c={connections:<3} {result.rps:7.0f} req/s  p50 {result.pct(50):6.1f}  "
                    f"p95 {result.pct(95):6.1f}  p99 {result.pct(99):6.1f} ms  errors {result.errors}",
                    flush=True,
                )
    finally:
        for process in servers:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)

    names = [t.name for t in targets]
    lines = table(results, names, "yardstick")
    misses = [line for line in lines if "MISS" in line]
    measured = len([line for line in lines if line.endswith("| ok |") or "| MISS" in line])
    summary = (
        f"Every one of the {measured} measurements judged in this run (the signed-in yardstick's ratio, p95 at"
        " 10 connections) meets its target; throughput against the earlier commit is judged side by side"
        " (benchmarks/compare.py)."
        if not misses
        else f"{len(misses)} of {measured} measurements miss their target (marked MISS)."
    )
    if versus_peer(results):
        summary += "\n\n" + versus_peer(results)
    print()
    print("\n".join(lines))
    print()
    print(summary)
    if args.write_docs:
        write_docs(lines, args, summary, counts, profile)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
