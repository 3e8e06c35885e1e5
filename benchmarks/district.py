"""A district-sized benchmark: 40 schools of 1,500 students, side by side with a one-school install.

    .venv/bin/python -m benchmarks.district                 # build (or reuse) both databases, run, print
    .venv/bin/python -m benchmarks.district --write-docs    # ... and write docs/performance.md
    .venv/bin/python -m benchmarks.district --rebuild       # drop and rebuild both databases first
    .venv/bin/python -m benchmarks.district --seconds 3 --only "booking page"

What it does, in order:
1. Builds (once; reused after) the PostgreSQL database ``district_bench`` (``--db``), a district
   installation (DISTRICT=1) of ``--schools`` schools, each in its own schema with the realistic
   data of ``benchmarks/dataset.py`` at 1,500 students a school (six grades of ten classes of 25):
   the first school's schema is migrated and filled; every other school is a copy of it, made by
   ``pg_dump -n | sed | psql`` (or django-tenants' ``clone_schema``, ``--clone tenants``; the first
   build times one copy each way and says which was faster). A copy's confidential fields and
   audit chain are then re-sealed under its own school's keys, as if it had been filled in place.
   Next to it, ``district_bench_one`` (``--one-db``): a one-school install (DISTRICT off) with one
   school of the same 1,500 students, built the same way.
2. Serves each with gunicorn (``benchmarks.settings``; the district with DISTRICT=1, each school at
   its host name ``sNN.district.bench``, the district office at ``district.bench``) on loopback,
   and drives the pages of ``benchmarks/load.py`` (student home, booking, counselor week, case
   list, archive, screening results, campaign page) at 10 connections for a school in the middle
   of the district and for the one-school install: requests per second, p95 and, one request at a
   time in-process, each page's SQL query count — also for the district's first school and with
   the same page on a second, to show a school's page does not depend on how many schools there are.
3. Times the district office's aggregate page (``DISTRICT_STATS_PATH``, target ≤ 2 s) when the
   district site has it.
4. Prints a table; ``--write-docs`` writes it into docs/performance.md (section "A district: 40
   schools × 1,500 students", between its markers) with the machine's load average.

Traffic goes to 127.0.0.1 only, every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402  (the load suite's driver, pages and helpers)

DISTRICT_HOST = "district.bench"
SCHOOLS = 40
CLASSES_PER_GRADE = 10  # 6 grades x 10 classes x 25 = 1,500 students a school
TEMPLATE = "s01"
# The district office's aggregate page (issue 19 §2, counseling/district/views_stats.py): counts per
# school and for the district over the default period; timed when the district site has it.
DISTRICT_STATS_PATHS = ("/counts/",)
STATS_LIMIT_S = 2.0
PAGES = [
    "student home",
    "booking page",
    "counselor week",
    "case list",
    "archive page",
    "screening results",
    "campaign page",
]


def schema_of(number: int) -> str:
    return f"s{number:02d}"


def host_of(schema: str) -> str:
    return f"{schema}.{DISTRICT_HOST}"


# --- steps run inside a Django process (``--step``), with the database's settings -----------------


def step_seed() -> None:
    """Fill the current database (one school) or schema with the dataset at 1,500 students."""
    from django.db import connection, transaction

    from benchmarks import dataset

    dataset.CLASSES_PER_GRADE = CLASSES_PER_GRADE
    rng = random.Random(2026)
    dataset.seed_school()
    with transaction.atomic():
        print(f"appointments: {dataset.add_appointments(rng)}", flush=True)
        print(f"cases: {dataset.add_cases(rng)}", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    dataset.mark_complete()


def step_template() -> None:
    """The district's own site and its first school: migrated, then filled (timed)."""
    from django_tenants.utils import schema_context

    from counseling.district.models import Domain, School

    public, _created = School.objects.get_or_create(schema_name="public", defaults={"name": "District office"})
    Domain.objects.get_or_create(domain=DISTRICT_HOST, defaults={"tenant": public, "is_primary": True})
    started = time.perf_counter()
    school = School(schema_name=TEMPLATE, name=school_name(1))
    school.save(verbosity=0)
    Domain.objects.create(domain=host_of(TEMPLATE), tenant=school, is_primary=True)
    migrated = time.perf_counter() - started
    started = time.perf_counter()
    with schema_context(TEMPLATE):
        step_seed()
    print(json.dumps({"migrate_s": migrated, "seed_s": time.perf_counter() - started}))


def school_name(number: int) -> str:
    return f"第{number}中学"


def step_register(schemas: list[str]) -> None:
    """Rows for schools whose schemas were copied in: no migration (the schema is there)."""
    from counseling.district.models import Domain, School

    for schema in schemas:
        school = School(schema_name=schema, name=school_name(int(schema[1:])))
        school.auto_create_schema = False
        school.save(verbosity=0)
        Domain.objects.create(domain=host_of(schema), tenant=school, is_primary=True)


def step_tenants_clone(schema: str) -> None:
    """django-tenants' clone_schema: the template's tables and rows into a new schema."""
    from django_tenants.clone import CloneSchema

    CloneSchema().clone_schema(TEMPLATE, schema)


def encrypted_columns() -> list[tuple[object, list[str]]]:
    from django.apps import apps

    from counseling.crypto import EncryptedTextField

    found = []
    for model in apps.get_models():
        fields = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields and not model._meta.proxy:
            found.append((model, fields))
    return found


def step_reseal(schemas: list[str]) -> None:
    """A copied school's ciphertext and audit chain under its own keys, as if made in place.

    Every school's field keys and audit key are derived from the master for its schema
    (counseling/crypto.py): the copy's values are decrypted with the template school's keys and
    encrypted with the copy's, and its audit chain is sealed again, entry by entry.
    """
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    from counseling import crypto
    from counseling.models.audit import AuditEntry
    from counseling.services.audit import GENESIS

    columns = encrypted_columns()
    source = crypto._fernet(TEMPLATE)
    with schema_context(TEMPLATE):
        plain = {}
        for model, fields in columns:
            table = model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(f'SELECT {model._meta.pk.column}, {", ".join(fields)} FROM "{table}"')
                plain[table] = (
                    model._meta.pk.column,
                    fields,
                    [
                        (row[0], [source.decrypt(v.encode()).decode() if v else v for v in row[1:]])
                        for row in cursor.fetchall()
                    ],
                )
    for schema in schemas:
        target = crypto._fernet(schema)
        with schema_context(schema), transaction.atomic():
            with connection.cursor() as cursor:
                for table, (pk, fields, rows) in plain.items():
                    sets = ", ".join(f"{f} = %s" for f in fields)
                    cursor.executemany(
                        f'UPDATE "{table}" SET {sets} WHERE {pk} = %s',
                        [
                            [target.encrypt(v.encode()).decode() if v else v for v in values] + [key]
                            for key, values in rows
                        ],
                    )
            key = crypto.audit_key()
            prev = GENESIS
            entries = list(AuditEntry.objects.order_by("id"))
            for entry in entries:
                entry.prev_hash = prev
                entry.hash = entry.compute_hash(key)
                prev = entry.hash
            # Audit entries refuse changes through the ORM (counseling/models/audit.py): this is a
            # copy being made, not a change to a school's trail. Hashes are unique, so the old seals
            # are cleared first (the old and the new could meet mid-update).
            table = AuditEntry._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE \"{table}\" SET hash = 'x' || id")
                cursor.executemany(
                    f'UPDATE "{table}" SET prev_hash = %s, hash = %s WHERE id = %s',
                    [(e.prev_hash, e.hash, e.id) for e in entries],
                )


def step_finish() -> None:
    from django.db import connection

    from benchmarks import dataset

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    dataset.mark_complete()


def step_counts(schema: str) -> None:
    from django_tenants.utils import schema_context

    from benchmarks import dataset

    if schema:
        with schema_context(schema):
            print(dataset.counts())
    else:
        print(dataset.counts())


def step_targets(schema: str) -> None:
    """The load suite's pages and sessions, made in ``schema`` (a school of the district) or the database."""
    from django_tenants.utils import schema_context

    from benchmarks.targets import targets

    if schema:
        with schema_context(schema):
            print(json.dumps(targets()))
    else:
        print(json.dumps(targets()))


def step_queries(host: str) -> None:
    """One request at a time, in-process: each page's SQL queries and time (benchmarks/profile.py)."""
    from benchmarks import profile

    targets = json.loads(sys.stdin.read())
    for target in targets:
        target["host"] = host
    print(json.dumps(profile.profile(targets)))


STEPS = {
    "seed": lambda a: step_seed(),
    "template": lambda a: step_template(),
    "register": lambda a: step_register(a.step_args),
    "tenants-clone": lambda a: step_tenants_clone(a.step_args[0]),
    "reseal": lambda a: step_reseal(a.step_args),
    "finish": lambda a: step_finish(),
    "counts": lambda a: step_counts(a.step_args[0] if a.step_args else ""),
    "targets": lambda a: step_targets(a.step_args[0] if a.step_args else ""),
    "queries": lambda a: step_queries(a.step_args[0]),
}


# --- the driver (outside Django) --------------------------------------------------------------------


def env_for(db: str, district: bool) -> dict[str, str]:
    extra = {"ALLOWED_HOSTS": f"127.0.0.1,localhost,{DISTRICT_HOST},.{DISTRICT_HOST}"}
    if district:
        extra["DISTRICT"] = "1"
    env = load.bench_env(db, **extra)
    if not district:
        env.pop("DISTRICT", None)
    # Each database its own cache: the one-school install's keys carry no schema prefix.
    env["CACHE_URL"] = f"redis://127.0.0.1:6379/{9 if district else 8}"
    # Its own collected static files: another tree's benchmark may be collecting into the default.
    env.setdefault("STATIC_ROOT", "/tmp/counseling-district-bench-static")
    return env


def step(env: dict[str, str], name: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return load.run([load.PYTHON, "-m", "benchmarks.district", "--step", name, *args], env, **kwargs)


def timed(label: str, timings: dict[str, float], fn, *args, **kwargs):
    started = time.perf_counter()
    out = fn(*args, **kwargs)
    timings[label] = time.perf_counter() - started
    print(f"  {label}: {timings[label]:.1f} s", flush=True)
    return out


def build_one(db: str, timings: dict[str, float]) -> None:
    print(f"Building the one-school install in {db} ...", flush=True)
    env = env_for(db, district=False)
    load.psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    load.psql(f'CREATE DATABASE "{db}"')
    timed("one school: migrate", timings, load.run, [load.PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    timed("one school: fill", timings, step, env, "seed")


def clone_by_dump(db: str, schemas: list[str]) -> None:
    """``pg_dump -n`` of the template school once, renamed per school by sed, loaded by psql."""
    dump = subprocess.run(
        ["pg_dump", "-h", load.HOST, "-U", "postgres", "-n", TEMPLATE, "--no-owner", db],
        capture_output=True,
        check=True,
    ).stdout
    for schema in schemas:
        # The schema's name is a whole word in the dump: "s01." and "SCHEMA s01;" (no data holds it).
        renamed = subprocess.run(
            ["sed", "-e", rf"s/\b{TEMPLATE}\b/{schema}/g"], input=dump, capture_output=True, check=True
        ).stdout
        subprocess.run(
            ["psql", "-h", load.HOST, "-U", "postgres", "-d", db, "-q", "-v", "ON_ERROR_STOP=1", "-o", "/dev/null"],
            input=renamed,
            capture_output=True,
            check=True,
        )


def build_district(db: str, schools: int, clone: str, timings: dict[str, float]) -> str:
    print(f"Building the district in {db}: {schools} schools ...", flush=True)
    env = env_for(db, district=True)
    load.psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    load.psql(f'CREATE DATABASE "{db}"')
    timed(
        "district: shared schema",
        timings,
        load.run,
        [load.PYTHON, "manage.py", "migrate_schemas", "--shared", "--noinput", "-v0"],
        env,
    )
    out = timed(
        "district: first school (migrate + fill)", timings, step, env, "template", capture_output=True, text=True
    )
    first = json.loads(out.stdout.strip().splitlines()[-1])
    timings["first school: migrate"] = first["migrate_s"]
    timings["first school: fill"] = first["seed_s"]
    rest = [schema_of(n) for n in range(2, schools + 1)]
    how = clone
    if rest and clone == "measure":
        # One copy each way, timed; the faster makes the rest.
        timed("one copy by pg_dump | sed | psql", timings, clone_by_dump, db, rest[:1])
        timed("one copy by django-tenants clone_schema", timings, step, env, "tenants-clone", rest[1])
        done, rest = rest[:2], rest[2:]
        step(env, "register", *done)
        step(env, "reseal", *done)
        how = (
            "dump"
            if timings["one copy by pg_dump | sed | psql"] <= timings["one copy by django-tenants clone_schema"]
            else "tenants"
        )
    if rest:
        if how == "tenants":
            timed(f"{len(rest)} copies by clone_schema", timings, lambda: [step(env, "tenants-clone", s) for s in rest])
        else:
            timed(f"{len(rest)} copies by pg_dump | sed | psql", timings, clone_by_dump, db, rest)
        step(env, "register", *rest)
        timed(f"{len(rest)} copies re-sealed under their own keys", timings, step, env, "reseal", *rest)
    timed("district: analyze", timings, step, env, "finish")
    save_build(db, timings, how)
    return how


def save_build(db: str, timings: dict[str, float], how: str) -> None:
    """How long the build took and how the copies were made, kept for later runs' report."""
    value = json.dumps({"timings": timings, "how": how}).replace("'", "''")
    load.psql(
        "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text); "
        f"INSERT INTO bench_meta VALUES ('build', '{value}') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        db,
    )


def saved_build(db: str) -> tuple[dict[str, float], str]:
    try:
        saved = json.loads(load.psql("SELECT value FROM bench_meta WHERE key = 'build'", db) or "{}")
    except ValueError:
        saved = {}
    return saved.get("timings", {}), saved.get("how", "")


def targets_for(env: dict[str, str], schema: str, only: set[str]) -> list[load.Target]:
    out = step(env, "targets", *([schema] if schema else []), capture_output=True, text=True).stdout
    rows = [load.Target(**row) for row in json.loads(out.strip().splitlines()[-1])]
    return [t for t in rows if t.name in PAGES and (not only or t.name in only)]


def queries(env: dict[str, str], host: str, targets: list[load.Target]) -> dict[str, dict]:
    payload = json.dumps([t.__dict__ for t in targets])
    out = step(env, "queries", host, input=payload, capture_output=True, text=True).stdout
    return {row["name"]: row for row in json.loads(out.strip().splitlines()[-1])}


def serve(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            load.GUNICORN,
            "counseling.wsgi",
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
        ],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )


def wait_for(base: str, host: str, seconds: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(f"{base}/__yardstick/", headers={"Host": host})
            with urllib.request.urlopen(request, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {base} for {host}")


def check_pages(base: str, host: str, targets: list[load.Target]) -> None:
    """Every page answers 200 to its users at this host (not a redirect to the sign-in page)."""
    import urllib.request

    for target in targets:
        request = urllib.request.Request(base + target.path, headers={"Host": host})
        if target.cookies:
            request.add_header("Cookie", f"sessionid={target.cookies[0]}")
        with urllib.request.urlopen(request, timeout=60) as response:
            if response.status != 200 or "/accounts/login/" in response.geturl():
                raise SystemExit(f"{target.name} at {host}{target.path} does not answer 200: {response.status}")


def measure(
    base: str, host: str, targets: list[load.Target], connections: int, seconds: float
) -> dict[str, load.Result]:
    results = {}
    for target in targets:
        asyncio.run(load.drive(base, target, connections, 1.0, "sessionid", host=host))
        result = asyncio.run(load.drive(base, target, connections, seconds, "sessionid", host=host))
        results[target.name] = result
        print(
            f"  {host:<22} {target.name:<18} {result.rps:6.0f} req/s  p95 {result.pct(95):6.1f} ms  "
            f"errors {result.errors}",
            flush=True,
        )
    return results


def merge(total: load.Result | None, part: load.Result) -> load.Result:
    """Two rounds of one page on one install as one measurement."""
    if total is None:
        return part
    return load.Result(
        part.name,
        part.connections,
        total.requests + part.requests,
        total.errors + part.errors,
        total.seconds + part.seconds,
        total.latencies_ms + part.latencies_ms,
    )


def stats_page(base: str, env: dict[str, str], schools: int) -> tuple[str, list[float]] | None:
    """The district office's aggregate page, if the district site has one: five timed requests.

    The page must list the last school (it reads every school's schema), or the run stops.
    """
    import urllib.error
    import urllib.request

    out = step(env, "officer", capture_output=True, text=True).stdout.strip().splitlines()
    cookie = out[-1] if out else ""
    for path in DISTRICT_STATS_PATHS:
        times = []
        for _ in range(6):
            request = urllib.request.Request(
                base + path,
                headers={"Host": DISTRICT_HOST, "Cookie": f"sessionid={cookie}", "Accept-Language": "zh-hans"},
            )
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    body = response.read().decode()
                    if response.status != 200 or "/accounts/login/" in response.geturl():
                        break
                    if school_name(schools) not in body:
                        raise SystemExit(f"{path} on {DISTRICT_HOST} does not list {school_name(schools)}")
            except urllib.error.HTTPError:
                break
            times.append(time.perf_counter() - started)
        if len(times) == 6:
            return path, times[1:]  # the first warms the worker
    return None


def step_officer() -> None:
    """A signed-in district officer's session (public schema), for the aggregate page."""
    from django.test import Client

    from counseling.enums import Role
    from counseling.models import User

    officer, _created = User.objects.get_or_create(
        username="bench_district", defaults={"role": Role.DISTRICT, "name": "Bench district officer"}
    )
    client = Client(HTTP_HOST=DISTRICT_HOST)
    client.force_login(officer, backend="counseling.backends.PasswordBackend")
    print(client.cookies["sessionid"].value)


STEPS["officer"] = lambda a: step_officer()

BEGIN, END = "<!-- district-run:begin -->", "<!-- district-run:end -->"


def write_docs(text: str) -> None:
    path = ROOT / "docs" / "performance.md"
    doc = path.read_text()
    section = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in doc:
        before, _, rest = doc.partition(BEGIN)
        _, _, after = rest.partition(END)
        doc = before + section + after
    elif "\n## Fault drills" in doc:
        before, _, after = doc.partition("\n## Fault drills")
        doc = before.rstrip("\n") + "\n\n" + section + "\n\n## Fault drills" + after
    else:
        doc = doc.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(doc)
    print(f"wrote {path.relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="district_bench", help="PostgreSQL database of the district")
    parser.add_argument("--one-db", default="district_bench_one", help="PostgreSQL database of the one-school install")
    parser.add_argument("--schools", type=int, default=SCHOOLS, help="schools in the district (when building)")
    parser.add_argument(
        "--clone",
        choices=["measure", "dump", "tenants"],
        default="measure",
        help="how the schools after the first are made: time one of each, then the faster (default), or one way",
    )
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild both databases")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds per page, install and round")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2, help="rounds per page and install, alternating")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2), help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8139, help="the one-school install's; the district's is the next")
    parser.add_argument("--only", default="", help="comma-separated pages to measure")
    parser.add_argument("--write-docs", action="store_true", help="write the section of docs/performance.md")
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("step_args", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.step:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
        django.setup()
        STEPS[args.step](args)
        return 0

    args.seconds = min(max(args.seconds, 1.0), 120.0)
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    if only - set(PAGES):
        raise SystemExit(f"--only: no page named {', '.join(sorted(only - set(PAGES)))}")
    load_at_start = os.getloadavg()
    timings: dict[str, float] = {}
    if args.rebuild or not load.dataset_ready(args.one_db):
        build_one(args.one_db, timings)
        save_build(args.one_db, timings, "")
    if args.rebuild or not load.dataset_ready(args.db):
        build_district(args.db, args.schools, args.clone, timings)
    timings = {**saved_build(args.one_db)[0], **saved_build(args.db)[0]}
    how = saved_build(args.db)[1]

    one_env, dis_env = env_for(args.one_db, False), env_for(args.db, True)
    # A dataset built by an older tree is brought up to this tree's migrations (every school's schema).
    load.run([load.PYTHON, "manage.py", "migrate", "--noinput", "-v0"], one_env)
    load.run([load.PYTHON, "manage.py", "migrate_schemas", "--noinput", "-v0"], dis_env)
    for env in (one_env, dis_env):
        load.run([load.PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    schools = int(load.psql("SELECT count(*) FROM district_school WHERE schema_name <> 'public'", args.db) or 0)
    middle = schema_of(max(1, schools // 2))
    one_counts = step(one_env, "counts", capture_output=True, text=True).stdout.strip()
    school_counts = step(dis_env, "counts", middle, capture_output=True, text=True).stdout.strip()
    print(f"One-school install: {one_counts}\nDistrict school {middle}: {school_counts}", flush=True)

    one_targets = targets_for(one_env, "", only)
    mid_targets = targets_for(dis_env, middle, only)
    first_targets = targets_for(dis_env, TEMPLATE, only)
    q_one = queries(one_env, "127.0.0.1", one_targets)
    q_mid = queries(dis_env, host_of(middle), mid_targets)
    q_first = queries(dis_env, host_of(TEMPLATE), first_targets)

    # Both installs served at once, each page driven alternately on one and the other
    # (one, district, district, one, ...), so a change in the shared machine's load falls on both.
    installs = {
        "one": (f"http://{load.HOST}:{args.port}", "127.0.0.1", one_env, one_targets),
        "district": (f"http://{load.HOST}:{args.port + 1}", host_of(middle), dis_env, mid_targets),
    }
    servers = [serve(env, int(base.rsplit(":", 1)[1]), args.workers) for base, _h, env, _t in installs.values()]
    results: dict[str, dict[str, load.Result]] = {"one": {}, "district": {}}
    stats = None
    try:
        for base, host, _env, targets in installs.values():
            wait_for(base, host)
            check_pages(base, host, targets)
        for index, name in enumerate(t.name for t in one_targets):
            order = ["one", "district"] * args.rounds
            if index % 2:
                order.reverse()
            for label in order:
                base, host, _env, targets = installs[label]
                part = measure(base, host, [t for t in targets if t.name == name], args.connections, args.seconds)[name]
                results[label][name] = merge(results[label].get(name), part)
        base, _host, env, _targets = installs["district"]
        stats = stats_page(base, env, schools)
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    load_at_end = os.getloadavg()
    lines = [
        f"| page | one school: req/s | district {middle}: req/s | one school: p95 ms | district: p95 ms "
        f"| SQL queries: one school | district {middle} | district {TEMPLATE} "
        f"| one request, Python CPU ms: one school | district {middle} |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in [t.name for t in one_targets]:
        one, dis = results["one"][name], results["district"][name]
        lines.append(
            f"| {name} | {one.rps:.0f} | {dis.rps:.0f} | {one.pct(95):.1f} | {dis.pct(95):.1f} | "
            f"{q_one[name]['queries']} | {q_mid[name]['queries']} | {q_first[name]['queries']} | "
            f"{q_one[name]['cpu_ms']:.1f} | {q_mid[name]['cpu_ms']:.1f} |"
        )
    errors = sum(r.errors for group in results.values() for r in group.values())
    if stats:
        path, times = stats
        worst = max(times)
        stats_line = (
            f"The district office's aggregate page `{path}` over {schools} schools: median "
            f"{statistics.median(times):.2f} s, slowest {worst:.2f} s of 5 requests (target ≤ {STATS_LIMIT_S:g} s: "
            f"{'ok' if worst <= STATS_LIMIT_S else 'MISS'})."
        )
    else:
        stats_line = (
            "The district office's aggregate page: NOT MEASURED — the district site has no page at "
            f"{' or '.join(DISTRICT_STATS_PATHS)} yet (issue 19 §6's other branch builds it; target ≤ {STATS_LIMIT_S:g} s)."
        )
    diffs = sorted({q_mid[name]["queries"] - q_one[name]["queries"] for name in q_one if name in q_mid})
    if diffs == [0]:
        cost = "the same number of SQL statements as in the one-school install"
    else:
        cost = (
            f"{diffs[0] if len(diffs) == 1 else f'{diffs[0]} to {diffs[-1]}'}"
            f" SQL statement{'' if diffs == [1] else 's'} more than in the one-school install (counted as Django"
            " counts them): the request sets the school's schema (`SET search_path`) once"
            " (`TENANT_LIMIT_SET_CALLS`, on in a district's settings; without it django-tenants sets it before every"
            " cursor, nearly every query), and which school a host name means is remembered for a minute by each"
            " process (counseling/district/middleware.py; otherwise a look-up in the shared schema, two statements more)"
        )
    same_mid_first = all(q_mid[n]["queries"] == q_first[n]["queries"] for n in q_mid if n in q_first)
    build = ""
    if timings:
        build = (
            "Time to build, on this shared machine: " + "; ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + "."
        )
        if how in ("dump", "tenants"):
            build += f" The copies were made by {'pg_dump | sed | psql' if how == 'dump' else 'clone_schema'}."
    text = f"""## A district: {schools} schools × 1,500 students

Run of {datetime.date.today().isoformat()} by `.venv/bin/python -m benchmarks.district` (issue 19 §6).
Machine: {load.machine()}. The machine is shared with other work: load average {load_at_start[0]:.1f}
when the run started and {load_at_end[0]:.1f} when it ended, so absolute figures are lower than on an idle
machine. Both installs were served at once and each page driven on one and the other alternately
({args.rounds} rounds each), so a change of load falls on both alike.

`{args.db}` is a district (DISTRICT=1) of {schools} schools, each its own PostgreSQL schema with 1,500
students and a year of records ({school_counts} in school {middle}); `{args.one_db}` is a one-school
install of the same school ({one_counts}). gunicorn {args.workers} sync workers, {args.connections}
connections, {args.seconds:g} s per page and round; the district's pages are those of school {middle} (host
`{host_of(middle)}`). SQL queries: one request at a time, in-process, for the one-school install, for
school {middle} and for school {TEMPLATE}.

{chr(10).join(lines)}

Each page of a school in the district costs {cost}; and the same count in school {middle} as in school
{TEMPLATE} ({"equal on every page" if same_mid_first else "NOT equal on every page"}). No query of a school's page reads the list of schools
or another school's schema, so the count does not grow with the number of schools
(counseling/district/tests/test_district_queries.py checks a page's count with one school and with three). Errors during the run: {errors}.

{stats_line}

How the schools are made: the first school's schema is migrated and filled with the dataset; the
others are copies of it, and each copy's confidential fields and audit chain are sealed again under
its own school's keys. {build or "The databases were reused from an earlier build (--rebuild makes them again)."}
"""
    print()
    print(text)
    if args.write_docs:
        write_docs(text.rstrip("\n"))
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
