"""Appointments made before a new-year rollover take the grade the student's class had then.

Appointments 0006 gave every existing appointment the grade of the student's class now. A class
moved up by a rollover (``RolloverClass``: the grade it left) was in ``from_grade`` before the
rollover's first term began. Newest rollover first, so a session two years back ends with the
grade of the oldest move after it. Data migrations carry their own code (no live service).
"""

import datetime

from django.db import migrations
from django.utils import timezone


def grades_before_rollovers(apps, schema_editor):
    Appointment = apps.get_model("appointments", "Appointment")
    RolloverClass = apps.get_model("schoolyear", "RolloverClass")
    moves = RolloverClass.objects.select_related("rollover__term").order_by("-rollover__school_year", "school_class_id")
    for move in moves:
        began = timezone.make_aware(datetime.datetime.combine(move.rollover.term.start, datetime.time.min))
        Appointment.objects.filter(
            student__student_profile__school_class_id=move.school_class_id, starts_at__lt=began
        ).update(grade_id=move.from_grade_id)


class Migration(migrations.Migration):
    dependencies = [
        ("schoolyear", "0001_initial"),
        ("appointments", "0006_appointment_grade_at_the_time"),
    ]

    operations = [migrations.RunPython(grades_before_rollovers, migrations.RunPython.noop)]
