"""Check the audit trail: every entry's HMAC, its link to the entry before, and the anchors on file.

Also anchors the current head and stores the result for /health/ (the daily task does the same).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from counseling.services.audit import verify


class Command(BaseCommand):
    help = "Verify the audit trail (HMAC, links, anchors); prints each break and fails when there is one."

    def handle(self, *args, **options) -> None:
        result = verify()
        lines = [f"entry {entry_id}: {problem}" if entry_id else problem for entry_id, problem in result.problems]
        for line in lines:
            self.stdout.write(self.style.ERROR(line))
        if lines:
            shown = "; ".join(lines[:5]) + ("; …" if len(lines) > 5 else "")
            raise CommandError(f"The audit chain is broken in {len(lines)} place(s): {shown}")
        self.stdout.write(self.style.SUCCESS(f"The audit chain is intact ({result.check.entries} entries)."))
