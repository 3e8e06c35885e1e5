"""Remove or anonymise records past their retention period (see counseling.schoolyear.services.retention)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from counseling.schoolyear.services import retention


class Command(BaseCommand):
    help = (
        "Apply the retention periods: delete or anonymise every record past its period, with an audit "
        "entry for each. --dry-run lists what would go and changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List what would be removed; change nothing.")
        parser.add_argument(
            "--limit", type=int, default=0, help="With --dry-run: at most this many lines per kind (0: all)."
        )

    def handle(self, *args, dry_run: bool = False, limit: int = 0, **options) -> None:
        if dry_run:
            *lines, total = retention.dry_run_lines(limit)
            style = self.style.WARNING
        else:
            try:
                run = retention.apply(trigger="command")
            except retention.RetentionBusyError as exc:
                raise CommandError(str(exc)) from exc
            *lines, total = retention.run_lines(run)
            style = self.style.SUCCESS
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(style(total))
