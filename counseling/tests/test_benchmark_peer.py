"""The peer of the load suite (benchmarks/peer.py, issue 17): its office and its settings, as planned.

Pure logic only: nothing is installed, served or written; the peer itself need not be present.
"""

from __future__ import annotations

import ast
import datetime
from collections import Counter

from benchmarks import load, peer

TODAY = datetime.date(2026, 12, 9)  # a Wednesday


def test_the_office_has_four_staff_working_every_weekday_and_300_clients() -> None:
    plan = peer.seed_plan(TODAY)

    assert [row["username"] for row in plan["staff"]] == ["staff1", "staff2", "staff3", "staff4"]
    assert len(plan["clients"]) == 300
    assert len({row["username"] for row in plan["clients"]}) == 300
    # The peer numbers days from Sunday = 0: Monday to Friday, 8:00 to 17:00.
    assert plan["working_hours"] == [{"day_of_week": day, "start": "08:00", "end": "17:00"} for day in range(1, 6)]
    assert [row["name"] for row in plan["services"]] == ["Individual counseling", "Parent consultation"]


def test_2000_appointments_fall_within_working_hours_over_past_and_coming_weeks() -> None:
    appointments = peer.seed_plan(TODAY)["appointments"]

    assert len(appointments) == 2000
    dates = [datetime.date.fromisoformat(row["date"]) for row in appointments]
    assert all(date.weekday() < 5 for date in dates)
    assert min(dates) >= TODAY - datetime.timedelta(weeks=21)
    assert max(dates) <= TODAY + datetime.timedelta(weeks=5)
    past = sum(date < TODAY for date in dates)
    assert 1500 < past < 1800  # 20 weeks behind, 4 ahead: about five in six are history
    for row in appointments:
        assert "08:00" <= row["start"] < row["end"] <= "17:00"
        minutes = peer.SERVICES[row["service"]]["minutes"]
        start = datetime.datetime.fromisoformat(f"{row['date']}T{row['start']}")
        assert datetime.datetime.fromisoformat(f"{row['date']}T{row['end']}") - start == datetime.timedelta(
            minutes=minutes
        )
        assert 0 <= row["client"] < 300
        assert 0 <= row["staff"] < 4


def test_no_staff_member_has_two_appointments_at_once_and_all_have_work() -> None:
    appointments = peer.seed_plan(TODAY)["appointments"]

    # Appointments start on the hour and last under an hour: one per staff member and hour.
    assert len({(row["staff"], row["date"], row["start"]) for row in appointments}) == 2000
    per_staff = Counter(row["staff"] for row in appointments)
    assert sorted(per_staff) == [0, 1, 2, 3]
    assert min(per_staff.values()) > 400


def test_the_plan_is_the_same_at_every_run_of_a_day() -> None:
    assert peer.seed_plan(TODAY) == peer.seed_plan(TODAY)


def test_the_peer_project_is_set_up_as_its_readme_says_and_like_ours() -> None:
    text = peer.SETTINGS % {"db": "peer_bench", "time_zone": peer.TIME_ZONE, "start": 8, "end": 17}
    # Plain values only, as a settings file should be: read without running it.
    settings = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(text).body
        if isinstance(node, ast.Assign)
    }

    assert "appointment" in settings["INSTALLED_APPS"]
    assert settings["DEBUG"] is False
    assert settings["DATABASES"]["default"]["NAME"] == "peer_bench"
    assert settings["DATABASES"]["default"]["CONN_MAX_AGE"] == 600
    assert (settings["LANGUAGE_CODE"], settings["TIME_ZONE"]) == ("zh-hans", "Asia/Shanghai")
    assert settings["APPOINTMENT_LEAD_TIME"] == (8, 0)
    assert settings["APPOINTMENT_FINISH_TIME"] == (17, 0)
    assert 'path("appointment/", include("appointment.urls"))' in peer.URLS


def test_the_peer_is_served_like_ours_on_its_own_port() -> None:
    command = peer.serve_command(8119, 4)

    assert command[0].endswith("/bin/gunicorn")
    assert command[command.index("--workers") + 1] == "4"
    assert command[command.index("--bind") + 1] == "127.0.0.1:8119"


def test_the_booking_page_is_set_against_the_peers_in_one_line() -> None:
    def result(name: str, connections: int, requests: int, latency: float) -> load.Result:
        return load.Result(name, connections, requests, 0, 10.0, [latency] * requests)

    results = {
        (load.OUR_PAGE, 50): result(load.OUR_PAGE, 50, 800, 60.0),
        (load.PEER_PAGE, 50): result(load.PEER_PAGE, 50, 1000, 50.0),
        (load.OUR_PAGE, 10): result(load.OUR_PAGE, 10, 1200, 8.0),
        (load.PEER_PAGE, 10): result(load.PEER_PAGE, 10, 1000, 10.0),
    }

    assert load.versus_peer(results) == (
        "Booking page against the peer's (issue 17, target ≥ 1×): 0.80× at 50 connections (p95 60 ms against "
        "50 ms); 1.20× at 10 connections (p95 8 ms against 10 ms)."
    )
    assert load.versus_peer({}) == ""
