"""A school's page costs the same SQL queries however many schools the district has (issue 19 §6).

The district benchmark (``python -m benchmarks.district``, docs/performance.md) shows it at 40
schools; here a page of school A is counted with school A alone in the district, and again with
three schools (A, B, and a third made by django-tenants' clone_schema of B's tables). Both changes
to the district are made inside the test's transaction, so they are rolled back with it.
"""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context

from counseling.district.models import Domain, School
from counseling.district.tests.conftest import DISTRICT_HOST, host_of
from counseling.enums import Role
from counseling.tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=False)]


def _queries(client: Client, path: str) -> int:
    """The SQL queries of one request to ``path`` (after one to warm the caches), and it answered 200."""
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    connection.set_schema_to_public()
    assert response.status_code == 200
    return len(queries.captured_queries)


def _counts(clients: dict[str, Client]) -> dict[str, int]:
    return {path: _queries(client, path) for path, client in clients.items()}


@pytest.fixture
def school_a_pages(school_a):
    """School A's counselor on the case list and a student on their home page, signed in."""
    from counseling.cases.tests.factories import CaseFactory

    clients = {}
    with schema_context(school_a.schema_name):
        counselor = UserFactory(username="alice", name="艾丽斯", role=Role.COUNSELOR)
        student = UserFactory(username="s1", name="张小明")
        CaseFactory(student=student, counselor=counselor)
        for path, user in (("/cases/", counselor), ("/", student)):
            clients[path] = Client(HTTP_HOST=host_of(school_a))
            clients[path].force_login(user, backend="counseling.backends.PasswordBackend")
    return clients


def test_a_schools_pages_cost_the_same_with_one_school_and_with_three(school_a, school_b, school_a_pages):
    with transaction.atomic():
        # School A alone: school B's row and host gone (its schema stays; nothing reads it).
        School.objects.filter(pk=school_b.pk).delete()
        assert list(School.objects.exclude(schema_name="public").values_list("schema_name", flat=True)) == [
            school_a.schema_name
        ]
        alone = _counts(school_a_pages)
        transaction.set_rollback(True)
    connection.set_schema_to_public()

    with transaction.atomic():
        # Three schools: A, B and C, C's schema a copy of B's tables.
        CloneSchema().clone_schema(school_b.schema_name, "school_q", clone_mode="NODATA")
        third = School(schema_name="school_q", name="第三中学")
        third.auto_create_schema = False
        third.save(verbosity=0)
        Domain.objects.create(domain=f"q.{DISTRICT_HOST}", tenant=third, is_primary=True)
        assert School.objects.exclude(schema_name="public").count() == 3
        assert Client(HTTP_HOST=f"q.{DISTRICT_HOST}").get("/accounts/login/").status_code == 200
        connection.set_schema_to_public()
        three = _counts(school_a_pages)
        transaction.set_rollback(True)

    assert alone == three
    assert all(count > 0 for count in alone.values())


def test_a_known_host_is_not_looked_up_again(school_a, school_a_pages):
    """The school a host name means is remembered: a page's queries after the first request carry no
    look-up of the host in the shared schema, only the school's own (one SET of its schema more)."""
    client = school_a_pages["/cases/"]
    assert client.get("/cases/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/cases/").status_code == 200
    connection.set_schema_to_public()
    statements = [query["sql"] for query in queries.captured_queries]
    assert not any("district_domain" in sql for sql in statements)
    assert sum(sql.upper().startswith("SET SEARCH_PATH") for sql in statements) == 1
    # An unknown host is looked up each time and never served.
    assert Client(HTTP_HOST="nowhere.district.test").get("/cases/").status_code == 404
