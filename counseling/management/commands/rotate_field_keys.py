"""Re-encrypt every encrypted column under the first key of FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first and keep the old ones after it, run this command, then remove
the old keys. Every model of every app is searched for EncryptedTextField columns. The values are
read and written with raw SQL so they are never decrypted into Python objects, and all of it
happens in one transaction: a value that no key can decrypt stops the command and changes nothing.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from counseling.crypto import DecryptionError, EncryptedTextField, reset_keys, rotate

BATCH = 500


def encrypted_columns() -> list[tuple[type, list[EncryptedTextField]]]:
    """(model, its encrypted fields) for every concrete model that has any."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


class Command(BaseCommand):
    help = "Re-encrypt all confidential columns under the first key in FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options) -> None:
        reset_keys()
        total = 0
        try:
            with transaction.atomic():
                for model, fields in encrypted_columns():
                    count = self._rotate_model(model, fields)
                    total += count
                    self.stdout.write(f"{model._meta.label}: {count} value(s)")
        except DecryptionError as exc:
            raise CommandError(f"{exc} Nothing was changed.") from exc
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} value(s) under the first key."))

    def _rotate_model(self, model, fields) -> int:
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        pk = quote(model._meta.pk.column)
        columns = [quote(field.column) for field in fields]
        count = 0
        last = None
        with connection.cursor() as cursor:
            while True:
                where = f"WHERE {pk} > %s " if last is not None else ""
                cursor.execute(
                    f"SELECT {pk}, {', '.join(columns)} FROM {table} {where}ORDER BY {pk} LIMIT {BATCH}",  # noqa: S608 - names come from the model
                    [last] if last is not None else [],
                )
                rows = cursor.fetchall()
                if not rows:
                    return count
                for row in rows:
                    last = row[0]
                    values = [rotate(value) if value else value for value in row[1:]]
                    if values == list(row[1:]):
                        continue
                    assignments = ", ".join(f"{column} = %s" for column in columns)
                    with connection.cursor() as writer:
                        writer.execute(
                            f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608 - names come from the model
                            [*values, last],
                        )
                    count += sum(1 for value in row[1:] if value)
