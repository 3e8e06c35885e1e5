"""Encrypt the focus entry's request to the class teacher, free text about the student.

The columns become encrypted text columns; the rows written before are encrypted in place.
Reversible: going back decrypts the rows before the columns become character columns again.
"""

import counseling.crypto
from django.db import migrations


# The columns that held plaintext until now, per model. The data step carries its own code (no
# import of live services): it reads and writes the raw column values with SQL, so a value is
# never passed through the field (which would try to decrypt the plaintext).
COLUMNS = {"focusentry": ["teacher_request"]}


def _convert(apps, schema_editor, change) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for model_name, fields in COLUMNS.items():
        model = apps.get_model("archives", model_name)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        for field in fields:
            column = quote(model._meta.get_field(field).column)
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} <> ''")  # noqa: S608 - names from the model
                rows = cursor.fetchall()
                for pk_value, value in rows:
                    new = change(value)
                    if new != value:
                        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [new, pk_value])  # noqa: S608


def _is_ciphertext(value: str) -> bool:
    try:
        counseling.crypto.decrypt(value)
    except counseling.crypto.DecryptionError:
        return False
    return True


def encrypt_rows(apps, schema_editor) -> None:
    """Encrypt what is still plaintext (a value that already decrypts is left as it is)."""
    _convert(apps, schema_editor, lambda value: value if _is_ciphertext(value) else counseling.crypto.encrypt(value))


def decrypt_rows(apps, schema_editor) -> None:
    """Back to plaintext, before the column becomes a short character column again."""
    _convert(apps, schema_editor, lambda value: counseling.crypto.decrypt(value) if _is_ciphertext(value) else value)
    if schema_editor.connection.vendor == "postgresql":
        # The column type changes next, in the same transaction: PostgreSQL refuses that while
        # the updates above still have deferred constraint checks queued.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('archives', '0005_class_log_concern'),
    ]

    operations = [
        migrations.AlterField(
            model_name='focusentry',
            name='teacher_request',
            field=counseling.crypto.EncryptedCharField(blank=True, help_text='What the class teacher should do, e.g. “check in weekly”. The class teacher sees only this.', max_length=200, verbose_name='asked of the class teacher'),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows),
    ]
