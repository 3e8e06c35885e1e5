"""Guardian consent moves from the school-year app to the people of the counseling app.

A database migrated before the move has the table ``schoolyear_consentrecord`` (made by
schoolyear 0001, whose recorded name stays applied): it is renamed and kept with its rows,
index and constraint. A new database gets the table created here. Self-contained: no live code.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_TABLE = "schoolyear_consentrecord"


class AdoptOrCreateModel(migrations.CreateModel):
    """CreateModel that takes over the table a model had under another app, if it is there."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.name)
        if OLD_TABLE in schema_editor.connection.introspection.table_names():
            schema_editor.alter_db_table(model, OLD_TABLE, model._meta.db_table)
        else:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.name)
        schema_editor.alter_db_table(model, model._meta.db_table, OLD_TABLE)


class Migration(migrations.Migration):

    dependencies = [
        ('counseling', '0004_user_must_change_password'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AdoptOrCreateModel(
            name='ConsentRecord',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purpose', models.CharField(choices=[('screening', 'Psychological screening'), ('guardian_contact', 'Counseling contact with the guardian')], max_length=20, verbose_name='purpose')),
                ('state', models.CharField(choices=[('given', 'Given'), ('refused', 'Refused'), ('withdrawn', 'Withdrawn'), ('unknown', 'Unknown')], max_length=10, verbose_name='state')),
                ('dated', models.DateField(help_text='The day the guardian signed or said it.', verbose_name='date')),
                ('method', models.CharField(choices=[('paper', 'Paper form'), ('phone', 'Phone call'), ('in_person', 'In person')], max_length=10, verbose_name='how')),
                ('reference', models.CharField(blank=True, help_text="The paper form's number, or who was on the phone.", max_length=60, verbose_name='reference')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded')),
                ('is_current', models.BooleanField(default=False)),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('student', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='consent_records', to=settings.AUTH_USER_MODEL, verbose_name='student')),
            ],
            options={
                'verbose_name': 'consent record',
                'verbose_name_plural': 'consent records',
                'ordering': ['-dated', '-recorded_at', '-id'],
                'indexes': [models.Index(fields=['purpose', 'is_current', 'state'], name='schoolyear__purpose_1082a9_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('is_current', True)), fields=('student', 'purpose'), name='schoolyear_one_current_consent')],
            },
        ),
    ]
