"""The district office manages the schools' administrators (and sees no other account of a school)."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from counseling.enums import Role
from counseling.models import AuditEntry, User
from counseling.tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def officer(district):
    user = UserFactory(username="dist1", name="区德育科", role=Role.DISTRICT)
    client = Client(HTTP_HOST=district.host)
    client.force_login(user, backend="counseling.backends.PasswordBackend")
    return client


def test_the_office_sees_a_schools_administrators_and_nobody_else(officer, school_a):
    with schema_context(school_a.schema_name):
        UserFactory(username="admin_a", name="王管理", role=Role.ADMINISTRATOR)
        UserFactory(username="head_a", name="李主任", role=Role.HEAD_COUNSELOR)
        UserFactory(username="pupil", name="张小明", role=Role.STUDENT)
    page = officer.get(f"/schools/{school_a.pk}/").content.decode()
    assert "王管理" in page and "admin_a" in page
    assert "李主任" not in page and "张小明" not in page


def test_the_office_adds_an_administrator_who_chooses_a_password_at_the_school(officer, school_a):
    bad = officer.post(f"/schools/{school_a.pk}/", {"username": "a b", "name": ""})
    assert bad.status_code == 200
    with schema_context(school_a.schema_name):
        assert not User.objects.filter(role=Role.ADMINISTRATOR).exists()
    page = officer.post(f"/schools/{school_a.pk}/", {"username": "admin2", "name": "赵老师"}).content.decode()
    link = page.split("http://a.district.test", 1)[1].split("<", 1)[0]
    assert link.startswith("/accounts/set-password/")
    with schema_context(school_a.schema_name):
        admin = User.objects.get(username="admin2")
        assert admin.role == Role.ADMINISTRATOR and not admin.has_usable_password()
        assert AuditEntry.objects.filter(object_id=str(admin.pk), detail__contains="district office (dist1)").exists()
    assert not User.objects.filter(username="admin2").exists()
    assert AuditEntry.objects.filter(detail__contains="administrator admin2 of school_a").exists()
    # The link opens the form at the school's address.
    form = Client(HTTP_HOST="a.district.test").get(link, follow=True)
    assert form.status_code == 200 and 'name="new_password1"' in form.content.decode()
    # The same user name again: refused, nothing changes.
    again = officer.post(f"/schools/{school_a.pk}/", {"username": "admin2", "name": "别人"})
    assert "admin2" in again.content.decode()
    with schema_context(school_a.schema_name):
        assert User.objects.filter(username="admin2").count() == 1 and User.objects.get(username="admin2").name == "赵老师"


def test_a_new_link_only_for_an_active_administrator(officer, school_a):
    with schema_context(school_a.schema_name):
        admin = UserFactory(username="admin_a", role=Role.ADMINISTRATOR)
        head = UserFactory(username="head_a", role=Role.HEAD_COUNSELOR)
    fresh = officer.post(f"/schools/{school_a.pk}/administrators/{admin.pk}/link/")
    assert fresh.status_code == 200 and "http://a.district.test/accounts/set-password/" in fresh.content.decode()
    assert officer.post(f"/schools/{school_a.pk}/administrators/{head.pk}/link/").status_code == 404
    assert officer.post(f"/schools/999999/administrators/{admin.pk}/link/").status_code == 404
    with schema_context(school_a.schema_name):
        assert AuditEntry.objects.filter(object_id=str(admin.pk), detail__contains="issued by the district office").exists()
