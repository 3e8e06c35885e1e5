"""Garbage never makes a 500: every appointments URL, posted junk by every role that can reach it."""

from __future__ import annotations

import pytest

from appointments.tests import access

pytestmark = pytest.mark.django_db

FIELDS = [
    "channel", "topic", "counselor", "student", "date", "start_time", "end_time", "duration", "room", "source",
    "first_date", "every", "count", "action", "kind", "about_student", "body", "preferred_channel", "is_anonymous",
    "text", "reason", "title", "description", "capacity", "weekday", "term", "slot_minutes",
    "reserved_for_key_students", "start_date", "end_date", "office_place", "booking_horizon_days",
    "max_upcoming_per_student", "booking_cutoff_hours", "change_cutoff_hours", "offer_hold_hours",
    "first_reminder_hours", "second_reminder_hours", "day_0", "day_6", "start", "time_of_day", "next",
]  # fmt: skip
JUNK = ["x" * 20000, "-1", "99999999999999999999999", "\x00", "2026-02-30", "25:61", "[]", "<script>", "１２"]
ROLES = ("student", "counselor", "head", "administrator", "class_teacher")


def junk_for(index: int) -> str:
    return JUNK[index % len(JUNK)]


@pytest.mark.parametrize("shift", [0, 3, 6])
def test_junk_posted_anywhere_is_never_a_server_error(cast, client_for, shift) -> None:
    """Each field gets a different kind of junk; three rounds shift which field gets which."""
    routes = access.routes(cast, {})
    data = {field: junk_for(n + shift) for n, field in enumerate(FIELDS)}
    junk = junk_for(shift)
    failures = []
    for role in ROLES:
        client = client_for(getattr(cast, role))
        for name, route in routes.items():
            response = client.post(route.url, data)
            if response.status_code >= 500:
                failures.append(f"POST {name} as {role}: {response.status_code}")
            response = client.get(
                route.url, {"date": junk, "counselor": junk, "start": junk, "page": junk, "show": junk}
            )
            if response.status_code >= 500:
                failures.append(f"GET {name} as {role}: {response.status_code}")
    assert not failures, "\n".join(failures)
