"""Ship the built-in instruments (PHQ-9, GAD-7).

Self-contained: the rows come from 0002_builtin_instruments.json beside this file, the
definitions as they were normalised when this migration was written (archives/instruments/*.json
through archives.services.definition). Later changes to those files or that code reach a school
through ``library.install_builtin``, never by changing what this migration does.
"""

import json
from pathlib import Path

from django.db import migrations

ROWS = Path(__file__).with_suffix(".json")


def install(apps, schema_editor):
    Instrument = apps.get_model("archives", "Instrument")
    for row in json.loads(ROWS.read_text(encoding="utf-8")):
        code = row.pop("code")
        Instrument.objects.update_or_create(code=code, defaults={**row, "source": "builtin", "is_active": True})


class Migration(migrations.Migration):
    dependencies = [("archives", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
