"""Writes the peer's office (``benchmarks.peer.seed_plan``) with django-appointment's own models.

    PYTHONPATH=var/peer-site:. DJANGO_SETTINGS_MODULE=peer_site.settings \\
        ~/.cache/counseling-bench/peer-venv/bin/python -m benchmarks.peer_seed < PLAN_JSON

Run by ``benchmarks/peer.py prepare`` with the peer's Python, never with ours: it imports the peer
(``appointment``), which is installed only in the peer's virtualenv. Rows are bulk-inserted, which
skips the models' ``save()`` checks that refuse a request dated in the past (the history is what
a year of use would have left). Ends by marking the database complete in ``bench_meta``.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from decimal import Decimal

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_site.settings")
django.setup()

from appointment.models import (  # noqa: E402
    Appointment,
    AppointmentRequest,
    Service,
    StaffMember,
    WorkingHours,
)
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.db import connection, transaction  # noqa: E402


def users(rows: list[dict], domain: str) -> list:
    model = get_user_model()
    password = make_password(None)  # passwordless, as the peer makes its clients
    return model.objects.bulk_create(
        model(
            username=row["username"],
            first_name=row["first_name"],
            last_name=row["last_name"],
            email=f"{row['username']}@{domain}",
            password=password,
        )
        for row in rows
    )


@transaction.atomic
def seed(plan: dict) -> None:
    services = Service.objects.bulk_create(
        Service(
            name=row["name"],
            duration=datetime.timedelta(minutes=row["minutes"]),
            price=Decimal(row["price"]),
            currency="CNY",
        )
        for row in plan["services"]
    )
    staff = StaffMember.objects.bulk_create(
        StaffMember(user=user) for user in users(plan["staff"], "staff.example.org")
    )
    for member in staff:
        member.services_offered.set(services)
    WorkingHours.objects.bulk_create(
        WorkingHours(
            staff_member=member,
            day_of_week=row["day_of_week"],
            start_time=datetime.time.fromisoformat(row["start"]),
            end_time=datetime.time.fromisoformat(row["end"]),
        )
        for member in staff
        for row in plan["working_hours"]
    )
    clients = users(plan["clients"], "clients.example.org")
    requests = AppointmentRequest.objects.bulk_create(
        AppointmentRequest(
            date=datetime.date.fromisoformat(row["date"]),
            start_time=datetime.time.fromisoformat(row["start"]),
            end_time=datetime.time.fromisoformat(row["end"]),
            service=services[row["service"]],
            staff_member=staff[row["staff"]],
            id_request=f"bench-request-{n}",
        )
        for n, row in enumerate(plan["appointments"])
    )
    Appointment.objects.bulk_create(
        Appointment(
            client=clients[row["client"]],
            appointment_request=request,
            amount_to_pay=services[row["service"]].price,
            id_request=f"bench-appointment-{n}",
        )
        for n, (row, request) in enumerate(zip(plan["appointments"], requests, strict=True))
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)")
        cursor.execute(
            "INSERT INTO bench_meta VALUES ('peer', 'complete') ON CONFLICT (key) DO UPDATE SET value = 'complete'"
        )


if __name__ == "__main__":
    plan = json.loads(sys.stdin.read())
    seed(plan)
    print(
        f"peer: {StaffMember.objects.count()} staff, {Service.objects.count()} services, "
        f"{get_user_model().objects.count() - StaffMember.objects.count()} clients, "
        f"{Appointment.objects.count()} appointments"
    )
