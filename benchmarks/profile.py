"""One request at a time, in-process: SQL queries, time and size of each page of the load suite.

    DJANGO_SETTINGS_MODULE=benchmarks.settings DATABASE_URL=... python -m benchmarks.profile < TARGETS_JSON

Run by ``benchmarks/load.py`` next to the load figures, so a slow page shows whether it waits on
the database (many or slow queries) or on Python (template rendering).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
REPEAT = 21


def profile(targets: list[dict]) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rows = []
    for target in targets:
        client = Client(HTTP_HOST=target.get("host") or "127.0.0.1")
        if target["cookies"]:
            client.cookies["sessionid"] = target["cookies"][0]
        client.get(target["path"])  # warm: templates, connection
        times, cpu, sql_ms = [], [], []
        with CaptureQueriesContext(connection) as queries:
            for _ in range(REPEAT):
                first = len(queries.captured_queries)
                started, started_cpu = time.perf_counter(), time.process_time()
                response = client.get(target["path"])
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
                sql_ms.append(sum(float(q["time"]) for q in queries.captured_queries[first:]) * 1000)
        rows.append(
            {
                "name": target["name"],
                "status": response.status_code,
                "queries": len(queries.captured_queries) // REPEAT,
                "ms": statistics.median(times),
                "cpu_ms": statistics.median(cpu),
                "sql_ms": statistics.median(sql_ms),
                "kib": len(response.content) / 1024,
            }
        )
    return rows


if __name__ == "__main__":
    django.setup()
    print(json.dumps(profile(json.loads(sys.stdin.read()))))
