"""Ship the built-in instruments (PHQ-9, GAD-7) from archives/instruments/*.json."""

from django.db import migrations


def install(apps, schema_editor):
    from archives.services.library import install_builtin

    install_builtin(apps.get_model("archives", "Instrument"))


class Migration(migrations.Migration):
    dependencies = [("archives", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
