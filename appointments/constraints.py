"""Database guards against double booking that exist only on PostgreSQL.

An ``ExclusionConstraint`` (with the ``btree_gist`` extension, created in migration 0001) stops
two blocking appointments of one counselor, or of one student, from overlapping in time. SQLite
has no exclusion constraints: there the constraint emits no SQL at all and the booking path is
serialised instead (every write transaction starts with ``BEGIN IMMEDIATE``, see settings), with
partial unique indexes on the start time as a second guard on both databases.
"""

from __future__ import annotations

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Func


class TsTzRange(Func):
    """``tstzrange(start, end, '[)')``: the half-open time span of a row."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    """An exclusion constraint that is a no-op on databases without them (SQLite in the demo)."""

    @staticmethod
    def _supported(schema_editor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    def constraint_sql(self, model, schema_editor):
        return super().constraint_sql(model, schema_editor) if self._supported(schema_editor) else None

    def create_sql(self, model, schema_editor):
        return super().create_sql(model, schema_editor) if self._supported(schema_editor) else None

    def remove_sql(self, model, schema_editor):
        return super().remove_sql(model, schema_editor) if self._supported(schema_editor) else None

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)
