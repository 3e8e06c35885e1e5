"""Build a believable demo school. Idempotent; refuses to run with DEBUG off unless --force."""

from __future__ import annotations

import datetime
import random
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from counseling.hooks import app_hooks

# A user only the demo creates: when it exists, the demo school has been seeded.
DEMO_MARKER_USER = "student1"


class Command(BaseCommand):
    help = "Create the demo school: people, classes, and each app's demo records."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like a real school. Use --force to seed demo data anyway.")
        # The demo's titles and dates follow the day it is seeded: seeding again on a later day
        # (``make run`` seeds every time) would add a second set beside the first.
        if get_user_model().objects.filter(username=DEMO_MARKER_USER).exists():
            self.stdout.write("The demo school is already here: nothing added.")
            return
        ctx = SimpleNamespace(
            rng=random.Random(2026),
            today=timezone.localdate(),
            users={},
            stdout=self.stdout,
        )
        with transaction.atomic():
            for app, module in app_hooks("demo"):
                module.seed(ctx)
                self.stdout.write(f"seeded {app}")
        self.stdout.write(
            self.style.SUCCESS(
                "Demo school ready. Sign in as admin, head, counselor1, counselor2, leader, teacher1, student1, student2 or guardian1 with password demo-pass-2026."
            )
        )


def as_of(ctx: SimpleNamespace, days: int, hour: int = 0, minute: int = 0) -> datetime.datetime:
    """A local time ``days`` from today, for demo records."""
    day = ctx.today + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
