"""A Celery worker for the report drill: the same code, a slower report and a shorter staleness window.

    python -m benchmarks.drills.slow_worker --concurrency=2 ...

Two drill-only changes, so the drill can kill the worker in the middle of a build and finish in
minutes instead of waiting the production window: each app's part of the report takes
``DRILL_REPORT_STEP`` seconds longer (default 2), and a build claimed more than
``DRILL_STALE_SECONDS`` ago (default 20, production 600) counts as abandoned. Everything else —
the claim, the single-transaction write, the beat scan that rebuilds abandoned versions — is the
product's code.
"""

from __future__ import annotations

import datetime
import os
import sys
import time


def main() -> None:
    import django

    django.setup()
    from counseling.celery import app
    from counseling.reports import services

    step = float(os.environ.get("DRILL_REPORT_STEP", "2"))
    services.STALE_BUILD = datetime.timedelta(seconds=float(os.environ.get("DRILL_STALE_SECONDS", "20")))
    collect = services.collect

    def slow_collect(term, on_progress=None):
        def progress(percent: int) -> None:
            time.sleep(step)
            if on_progress is not None:
                on_progress(percent)

        return collect(term, progress)

    services.collect = slow_collect
    app.worker_main(["worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
