"""Drill: the worker is killed while it builds the semester report; the report still completes, once.

    .venv/bin/python -m benchmarks.drills.worker_killed

Starts the drill's Redis and PostgreSQL, a Celery worker (``slow_worker``: a slower build and a
20-second staleness window instead of 10 minutes) and beat. The head counselor asks for the
semester report; as soon as the worker is building it, the whole worker (parent and pool) is
killed with SIGKILL. The half-built version must not be visible as built, and once a new worker
is started the beat's scan must rebuild that same version to a complete draft: one version, all
apps' figures, progress 100.
"""

from __future__ import annotations

import signal

from benchmarks.drills import common
from benchmarks.drills.common import say


def main() -> int:
    common.require_tools()
    with common.postgres() as database_url, common.redis() as redis:
        env = common.app_env(database_url, redis.url, DRILL_REPORT_STEP="2", DRILL_STALE_SECONDS="20")
        common.prepare_database(env)
        common.django_setup(env)
        from django.db import transaction

        from counseling.models import Term, User
        from counseling.reports import services
        from counseling.reports.models import ReportStatus, SemesterReport

        term = Term.objects.current()
        head = User.objects.get(username="head")
        worker_entry = [common.PYTHON, "-m", "benchmarks.drills.slow_worker"]
        with common.processes(env) as procs:
            procs.worker("worker-1", worker_entry)
            procs.beat()
            with transaction.atomic():
                report = services.request_report(term, head)
            say(f"report v{report.version} requested; waiting for the worker to start building it")

            def building() -> bool:
                report.refresh_from_db()
                return report.status == ReportStatus.BUILDING and report.progress > 0

            started = common.wait_until(building, 60, 0.2)
            say(f"building at {report.progress}%: killing the worker (SIGKILL to its process group)")
            procs.kill("worker-1", signal.SIGKILL)
            report.refresh_from_db()
            half_built_hidden = report.status == ReportStatus.BUILDING and not report.data and report.built_at is None
            say(f"after the kill: status {report.status}, data {'empty' if not report.data else 'present'}")

            procs.worker("worker-2", worker_entry)
            say("a new worker is running; waiting for the beat scan to rebuild the abandoned version")

            def done() -> bool:
                report.refresh_from_db()
                return report.status == ReportStatus.DRAFT

            finished = common.wait_until(done, 180, 1)
            versions = SemesterReport.objects.filter(term=term).count()
            apps = {label for label, _module in services.reporting_apps()}
            complete = apps <= set(report.data.get("current", {}))
            say(f"status {report.status}, progress {report.progress}, versions {versions}, apps {sorted(apps)}")
    return common.verdict(
        "worker killed during the report",
        [
            ("the worker was caught in the middle of the build", started),
            ("the half-built version was not shown as built", half_built_hidden),
            ("the version was rebuilt to a draft after a new worker came", finished),
            ("it holds every app's figures and progress 100", complete and report.progress == 100),
            ("still one version of the term's report (nothing built twice)", versions == 1),
        ],
    )


if __name__ == "__main__":
    raise SystemExit(main())
