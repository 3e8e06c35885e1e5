"""Appointments remember the student's grade at the time, so reports group sessions by it after a rollover."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def grade_of_the_class_now(apps, schema_editor):
    """Existing appointments take the grade of the student's class now: the best this app knows.

    The school-year app corrects those made before a new-year rollover from its record of each
    class's move (schoolyear 0002).
    """
    Appointment = apps.get_model("appointments", "Appointment")
    StudentProfile = apps.get_model("counseling", "StudentProfile")
    grade = StudentProfile.objects.filter(user_id=OuterRef("student_id")).values("school_class__grade_id")[:1]
    Appointment.objects.filter(grade__isnull=True).update(grade_id=Subquery(grade))


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0005_bounded_dates"),
        ("counseling", "0009_outbox_stale_after"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="grade",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="counseling.grade",
                verbose_name="grade at the time",
            ),
        ),
        migrations.RunPython(grade_of_the_class_now, migrations.RunPython.noop),
    ]
