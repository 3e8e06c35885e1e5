"""A district of two schools for the district tests (run with DISTRICT=1 on PostgreSQL).

The schools' schemas are made once per test session (each is migrated, which takes seconds);
each test's rows are rolled back as usual. Requests choose their school by host name, as in
production: ``client_at(school_a)`` sends ``a.district.test``.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.conf import settings

if not getattr(settings, "DISTRICT", False):
    # A single-school run (the default) has no schools to wall off: these tests run in the district
    # run of `make test` (DISTRICT=1, PostgreSQL).
    collect_ignore_glob = ["test_*.py"]

DISTRICT_HOST = "district.test"


@pytest.fixture(scope="session")
def district(django_db_setup, django_db_blocker):
    from counseling.district.models import Domain, School

    with django_db_blocker.unblock():
        public, _created = School.objects.get_or_create(schema_name="public", defaults={"name": "District office"})
        Domain.objects.get_or_create(domain=DISTRICT_HOST, defaults={"tenant": public, "is_primary": True})
        made = {}
        for key, name in (("a", "第一中学"), ("b", "第二中学")):
            school = School.objects.filter(schema_name=f"school_{key}").first()
            if school is None:
                school = School(schema_name=f"school_{key}", name=name)
                school.save(verbosity=0)
                Domain.objects.create(domain=f"{key}.{DISTRICT_HOST}", tenant=school, is_primary=True)
            made[key] = school
    return SimpleNamespace(public=public, a=made["a"], b=made["b"], host=DISTRICT_HOST)


@pytest.fixture
def school_a(district):
    return district.a


@pytest.fixture
def school_b(district):
    return district.b


def host_of(school) -> str:
    return school.domains.get(is_primary=True).domain


@pytest.fixture(autouse=True)
def _public_between_tests():
    """Each test starts and ends in the shared schema: a request leaves the connection in its school's."""
    from django.db import connection

    from counseling.district.middleware import forget_hosts

    connection.set_schema_to_public()
    forget_hosts()
    yield
    connection.set_schema_to_public()
    forget_hosts()
