"""Drill: PostgreSQL restarted under load; the app recovers without restarting its own processes.

    .venv/bin/python -m benchmarks.drills.pg_restart

Serves the demo school with gunicorn (3 workers, persistent connections with health checks, as
in production) from the drill's own PostgreSQL cluster, drives it with 10 concurrent clients
(signed-in students on their home page, and the yardstick) for 40 seconds, and restarts
PostgreSQL at second 10. Requests during the restart may fail; after it, every request must
succeed again within 5 seconds, with the same gunicorn workers (no restart of the app).
"""

from __future__ import annotations

import asyncio
import subprocess
import time

from benchmarks.drills import common
from benchmarks.drills.common import say

DURATION = 40.0
RESTART_AT = 10.0
RECOVERY = 5.0
CONNECTIONS = 10


async def load(base: str, cookies: list[str], started: float, samples: list[tuple[float, int]]) -> None:
    import aiohttp

    timeout = aiohttp.ClientTimeout(total=20)
    async with aiohttp.ClientSession(timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()) as http:

        async def client(index: int) -> None:
            path = "/" if index % 2 else "/__yardstick/"
            headers = {"Cookie": f"sessionid={cookies[index % len(cookies)]}"} if index % 2 else {}
            while time.monotonic() - started < DURATION:
                try:
                    async with http.get(base + path, headers=headers, allow_redirects=False) as response:
                        await response.read()
                        status = response.status
                except (TimeoutError, aiohttp.ClientError):
                    status = 0
                samples.append((time.monotonic() - started, status))
                if status != 200:
                    await asyncio.sleep(0.05)

        await asyncio.gather(*(client(i) for i in range(CONNECTIONS)))


def children(pid: int) -> set[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False).stdout
    return {int(line) for line in out.split()}


def main() -> int:
    common.require_tools()
    with common.postgres() as database_url:
        env = common.app_env(database_url, CONN_MAX_AGE="600")
        common.prepare_database(env)
        common.django_setup(env)
        from benchmarks.targets import session_for
        from counseling.enums import Role
        from counseling.models import User

        cookies = [session_for(u) for u in User.objects.filter(role=Role.STUDENT).order_by("pk")[:5]]
        from django.db import connections

        connections.close_all()
        with common.processes(env) as procs:
            server = procs.gunicorn(workers=3)
            workers_before = children(server.pid)
            base = f"http://{common.HOST}:{common.WEB_PORT}"
            samples: list[tuple[float, int]] = []
            started = time.monotonic()

            async def drill() -> float:
                task = asyncio.create_task(load(base, cookies, started, samples))
                await asyncio.sleep(RESTART_AT)
                say("restarting PostgreSQL under load")
                await asyncio.to_thread(common.pg_restart)
                back = time.monotonic() - started
                say(f"PostgreSQL is back at {back:.1f}s")
                await task
                return back

            back = asyncio.run(drill())
            workers_after = children(server.pid)
            alive = server.poll() is None

    before = [s for t, s in samples if t < RESTART_AT]
    after = [s for t, s in samples if t > back + RECOVERY]
    failed = [t for t, s in samples if s != 200]
    say(
        f"{len(samples)} requests: {len(failed)} failed, between {min(failed, default=0):.1f}s and "
        f"{max(failed, default=0):.1f}s; after {back + RECOVERY:.0f}s: {sum(s == 200 for s in after)}/{len(after)} ok"
    )
    return common.verdict(
        "PostgreSQL restarted under load",
        [
            ("all requests succeeded before the restart", bool(before) and all(s == 200 for s in before)),
            (
                f"every request succeeded from {RECOVERY:.0f}s after PostgreSQL was back",
                bool(after) and all(s == 200 for s in after),
            ),
            ("gunicorn's master kept running", alive),
            ("the same gunicorn workers served throughout (no restart)", workers_before == workers_after),
        ],
    )


if __name__ == "__main__":
    raise SystemExit(main())
