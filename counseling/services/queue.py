"""Queueing a background task by its name.

A service that wants work done in the background names the task (as the beat schedule in
counseling/celery.py does) instead of importing the task module, which imports the service: the
two never form an import circle. Every process registers every app's tasks at start-up
(``CounselingConfig.ready``), so the name is known in web processes and workers alike, and in the
embedded mode (no broker) the task runs here and now, as ``apply_async`` does there.
"""

from __future__ import annotations

from counseling.celery import app


def enqueue(task_name: str, *args) -> None:
    """Queue ``task_name`` with ``args`` (ids only, never content). Raises what the broker raises:
    callers that must not fail when the broker is down catch it and leave the work to beat."""
    app.tasks[task_name].apply_async(args=args, retry=False)
