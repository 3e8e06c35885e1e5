"""Restore an encrypted backup: ``manage.py restore_backup PATH``.

The backup is decrypted and verified first (a wrong key, a cut-short or changed file restores
nothing). By default it replaces the content of this installation's database; ``--into
DATABASE_URL`` restores into another database instead (to try a backup without touching
production); ``--decrypt-only FILE`` writes the plain dump for a restore by hand (pg_restore).
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from counseling.services.backup import BackupError, decrypt_backup, restore_backup


class Command(BaseCommand):
    help = "Restore a backup written by manage.py backup (decrypted with BACKUP_KEYS)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="The backup file.")
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--into", metavar="DATABASE_URL", help="Restore into this database instead.")
        target.add_argument(
            "--decrypt-only", metavar="FILE", type=Path, help="Only write the plain dump to FILE (mode 600)."
        )
        parser.add_argument("--yes", action="store_true", help="Replace this installation's database without asking.")

    def handle(self, *args, path: Path, into: str | None, decrypt_only: Path | None, yes: bool, **options) -> None:
        # call_command passes keyword values as given, without the parser's type.
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"{path} does not exist.")
        try:
            if decrypt_only is not None:
                decrypt_backup(path, Path(decrypt_only))
                self.stdout.write(self.style.SUCCESS(f"Wrote the plain dump to {decrypt_only}; delete it after use."))
                return
            if into:
                config = environ.Env.db_url_config(into)
            else:
                config = connections["default"].settings_dict
                if not yes:
                    answer = input(f"This replaces the content of the database {config['NAME']}. Type 'yes' to go on: ")
                    if answer != "yes":
                        raise CommandError("Nothing was restored.")
                # Our own open connection would hold locks the restore must take.
                connections.close_all()
            restore_backup(path, config)
        except BackupError as exc:
            raise CommandError(f"{exc} Nothing was restored.") from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into {config['NAME']}."))
