"""Check the audit chain: every entry's hash and its link to the entry before."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from counseling.models import AuditEntry
from counseling.services.audit import find_breaks


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; prints each break and fails when there is one."

    def handle(self, *args, **options) -> None:
        breaks = 0
        for entry_id, problem in find_breaks():
            breaks += 1
            self.stdout.write(self.style.ERROR(f"entry {entry_id}: {problem}"))
        if breaks:
            raise CommandError(f"The audit chain is broken in {breaks} place(s).")
        self.stdout.write(self.style.SUCCESS(f"The audit chain is intact ({AuditEntry.objects.count()} entries)."))
