"""The pages the performance suite drives, with sessions of users who may see them.

    DJANGO_SETTINGS_MODULE=benchmarks.settings python -m benchmarks.targets

Prints one JSON line: ``[{"name", "path", "cookies"}]``. Sessions are made directly in the
database (as the sign-in view would), so the load measures the pages, not password hashing.
"""

from __future__ import annotations

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")


def session_for(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user, backend="counseling.backends.PasswordBackend")
    return client.cookies["sessionid"].value


def targets() -> list[dict]:
    from django.db.models import Count

    from appointments.models import Appointment
    from archives.models import Screening
    from campaigns.models import Campaign
    from counseling.cases.models import Case
    from counseling.enums import Role
    from counseling.models import User

    students = list(User.objects.filter(role=Role.STUDENT, is_active=True).order_by("pk")[:50])
    counselors = list(User.objects.filter(role=Role.COUNSELOR).order_by("username"))
    student_cookies = [session_for(user) for user in students]
    counselor_cookies = [session_for(user) for user in counselors]
    # The archive page of a student with a long history: the counselor of their case.
    case = (
        Case.objects.annotate(visits=Count("student__appointments"))
        .filter(counselor=counselors[0])
        .order_by("-visits", "pk")
        .first()
    )
    archive_student = (
        case.student_id if case else Appointment.objects.filter(counselor=counselors[0]).first().student_id
    )
    screening = Screening.objects.annotate(n=Count("submissions")).order_by("-n", "pk").first()
    campaign = Campaign.objects.order_by("-pk").first()
    return [
        {"name": "yardstick", "path": "/__yardstick/", "cookies": []},
        # The same view for signed-in students: what any page costs before it does its own work.
        {"name": "signed-in yardstick", "path": "/__yardstick/", "cookies": student_cookies},
        {"name": "student home", "path": "/", "cookies": student_cookies},
        {"name": "booking page", "path": "/appointments/book/", "cookies": student_cookies},
        {"name": "counselor week", "path": "/appointments/agenda/", "cookies": counselor_cookies},
        {"name": "case list", "path": "/cases/", "cookies": counselor_cookies},
        {"name": "archive page", "path": f"/archives/students/{archive_student}/", "cookies": counselor_cookies[:1]},
        {
            "name": "screening results",
            "path": f"/archives/screenings/{screening.pk}/results/",
            "cookies": counselor_cookies,
        },
        {"name": "campaign page", "path": f"/campaigns/{campaign.pk}/", "cookies": counselor_cookies},
    ]


if __name__ == "__main__":
    django.setup()
    print(json.dumps(targets()))
