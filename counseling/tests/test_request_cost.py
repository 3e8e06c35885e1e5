"""What every signed-in page costs before its own work, and the shortcuts that keep it small.

- Django's permission tables are read only for the admin's staff; everyone else's permissions
  come from the role table.
- The menu is built once a minute per user and language, not on every page.
- ``get_FOO_display()`` answers from a per-field map, in the active language.
"""

from __future__ import annotations

import re

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from counseling.enums import Role
from counseling.hooks import NAV_CACHE_SECONDS, nav_items
from counseling.models import User


def _sql(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["student", "class_teacher", "counselor", "head", "leader", "administrator"])
def test_pages_do_not_read_djangos_permission_tables_for_people_who_are_not_staff(client_for, request, who) -> None:
    client = client_for(request.getfixturevalue(who))
    client.get(reverse("home"))
    statements = _sql(client, reverse("home"))
    assert not [sql for sql in statements if "auth_permission" in sql]


@pytest.mark.django_db
def test_djangos_tables_do_not_open_the_admin_only_the_superuser_flag_does(client_for, administrator) -> None:
    group = Group.objects.create(name="Administrators")
    group.permissions.set(Permission.objects.filter(content_type__app_label="counseling", codename__endswith="_grade"))
    administrator.is_staff = True
    administrator.save(update_fields=["is_staff"])
    administrator.groups.add(group)
    client = client_for(administrator)

    assert client.get("/admin/counseling/grade/").status_code == 302
    administrator.is_superuser = True
    administrator.save(update_fields=["is_superuser"])
    assert client.get("/admin/counseling/grade/").status_code == 200


@pytest.mark.django_db
def test_a_students_class_comes_with_the_signed_in_user(client_for, student) -> None:
    client = client_for(student)
    # The first request after signing in reads the user (later ones take it from the cache,
    # counseling/tests/test_signed_in_cache.py), with the class and grade in the same query.
    statements = _sql(client, reverse("home"))
    user_reads = [sql for sql in statements if 'FROM "counseling_user"' in sql]
    assert len(user_reads) == 1
    assert "counseling_schoolclass" in user_reads[0] and "counseling_grade" in user_reads[0]
    # No lookup of the student's own class or grade by id afterwards, cold or warm.
    assert not [sql for sql in statements if re.search(r'WHERE "counseling_(schoolclass|grade)"\."id" = \d+', sql)]
    statements = _sql(client, reverse("home"))
    assert not [sql for sql in statements if re.search(r'WHERE "counseling_(schoolclass|grade)"\."id" = \d+', sql)]


def _menu(user) -> list[str]:
    return [item["url_name"] for group in nav_items(user) for item in group["items"]]


@pytest.mark.django_db
def test_the_menu_is_cached_per_language(counselor) -> None:
    with translation.override("zh-hans"):
        chinese = [item["label"] for group in nav_items(counselor) for item in group["items"]]
    with translation.override("en"):
        english = [item["label"] for group in nav_items(counselor) for item in group["items"]]
    assert "Cases" in english and "Cases" not in chinese


@pytest.mark.django_db
def test_a_role_change_shows_in_the_menu_at_once(counselor) -> None:
    assert "cases:case_list" in _menu(counselor)
    counselor.role = Role.CLASS_TEACHER
    counselor.save(update_fields=["role"])
    assert "cases:case_list" not in _menu(User.objects.get(pk=counselor.pk))


@pytest.mark.django_db
def test_other_permission_changes_show_in_the_menu_within_a_minute(student) -> None:
    assert "cases:concern_mine" not in _menu(student)
    profile = student.student_profile
    profile.is_committee_member = True
    profile.save(update_fields=["is_committee_member"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert "cases:concern_mine" not in _menu(User.objects.get(pk=student.pk))
        clock.shift(NAV_CACHE_SECONDS + 1)
        assert "cases:concern_mine" in _menu(User.objects.get(pk=student.pk))


@pytest.mark.django_db
def test_choice_labels_follow_the_active_language(student, counselor) -> None:
    from appointments.enums import AppointmentStatus
    from appointments.tests.factories import AppointmentFactory

    appointment = AppointmentFactory(student=student, counselor=counselor, status=AppointmentStatus.CONFIRMED)
    with translation.override("en"):
        assert appointment.get_status_display() == "Confirmed"
    with translation.override("zh-hans"):
        assert appointment.get_status_display() == str(AppointmentStatus.CONFIRMED.label)
        assert appointment.get_status_display() != "Confirmed"
    appointment.status = "no-such-status"
    assert appointment.get_status_display() == "no-such-status"
