"""One venue, one event at a time, enforced by PostgreSQL itself.

An exclusion constraint (GiST over the venue and the event's time range) refuses two overlapping
events in the same venue even when two organisers save at the same moment. It needs btree_gist
and does not exist on SQLite, where campaigns.services.events checks the clash instead (SQLite
writes are serialised, so the check cannot race there).
"""

from django.db import migrations

CONSTRAINT = "campaigns_event_no_venue_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE campaigns_event ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(venue_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (venue_id IS NOT NULL)"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE campaigns_event DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint, elidable=False)]
