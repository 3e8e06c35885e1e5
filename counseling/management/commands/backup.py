"""Write an encrypted backup of the database: ``manage.py backup --output PATH``.

PostgreSQL is dumped with pg_dump (custom format), SQLite copied in memory (serialize); the
stream is sealed with the first key of BACKUP_KEYS (counseling/services/backup.py says how) and
never touches the disk in plain form. Restore it with ``manage.py restore_backup PATH``.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from counseling.services.backup import BackupError, write_backup


class Command(BaseCommand):
    help = "Write an encrypted backup of the database to --output (sealed with the first of BACKUP_KEYS)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", required=True, type=Path, help="The backup file to write.")

    def handle(self, *args, output: Path, **options) -> None:
        try:
            info = write_backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote an encrypted backup to {info.path} ({info.size} bytes)."))
