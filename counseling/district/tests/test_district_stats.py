"""The district office's counts by school (issue 19 §2 aggregates): through the disclosure control,
never a student, and a fixed number of queries per school whatever its size."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from archives.models import Invitation, InvitationStatus
from archives.tests.factories import ScreeningFactory
from counseling.district.services import stats
from counseling.district.tests.conftest import DISTRICT_HOST, host_of
from counseling.enums import Role
from counseling.tests.factories import SchoolClassFactory, StudentProfileFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=False)]


def _officer_client() -> Client:
    # A request leaves the connection in its school\'s schema: the district\'s accounts are in public.
    connection.set_schema_to_public()
    officer = UserFactory(username="district1", name="区教育局", role=Role.DISTRICT)
    client = Client(HTTP_HOST=DISTRICT_HOST)
    client.force_login(officer, backend="counseling.backends.PasswordBackend")
    return client


def _school(school, *, enrolled: int, screened: int, prefix: str) -> None:
    """``enrolled`` students in one class, ``screened`` of them with a submitted screening."""
    with schema_context(school.schema_name):
        school_class = SchoolClassFactory()
        profiles = StudentProfileFactory.create_batch(
            enrolled, school_class=school_class, user__username=factory_names(prefix)
        )
        screening = ScreeningFactory(status="published")
        now = timezone.now()
        for profile in profiles[:screened]:
            Invitation.objects.create(
                screening=screening,
                student=profile.user,
                school_class=school_class,
                status=InvitationStatus.SUBMITTED,
                submitted_at=now,
            )


def factory_names(prefix: str):
    import factory

    return factory.Sequence(lambda n: f"{prefix}{n}")


def _row(page: str, name: str) -> list[str]:
    """The cells of the row headed ``name`` in the page's table."""
    match = re.search(rf'<th scope="row">{re.escape(name)}</th>(.*?)</tr>', page, re.S)
    assert match, f"no row for {name}"
    return re.findall(r"<td>(.*?)</td>", match.group(1))


def _total(page: str) -> list[str]:
    match = re.search(r"<tfoot>(.*?)</tfoot>", page, re.S)
    assert match, "no total row"
    return re.findall(r"<td>(.*?)</td>", match.group(1))


def test_small_counts_are_hidden_on_the_district_page(school_a, school_b):
    _school(school_a, enrolled=12, screened=3, prefix="a")
    _school(school_b, enrolled=20, screened=10, prefix="b")
    cache.clear()
    page = _officer_client().get("/counts/")
    assert page.status_code == 200
    text = page.content.decode()
    a, b, district = _row(text, school_a.name), _row(text, school_b.name), _total(text)
    # Columns: screened, enrolled, coverage, sessions, crises, zero reported, zero expected, completion.
    assert a[:3] == ["*", "12", "*"]
    # B's 10 would give A's 3 back from the district total (13): hidden too.
    assert b[:3] == ["*", "20", "*"]
    assert district[:3] == ["13", "32", "41%"]
    # No session, crisis or zero report anywhere: zeros are hidden like any small count.
    assert a[3:] == b[3:] == ["*"] * 5


def test_the_page_names_no_student(school_a, school_b):
    with schema_context(school_a.schema_name):
        StudentProfileFactory.create_batch(6, user__name="张小明")
    cache.clear()
    text = _officer_client().get("/counts/").content.decode()
    assert "张小明" not in text, text[text.index("张小明") - 300 : text.index("张小明") + 100]


def test_a_bad_period_is_refused_with_a_message(district):
    page = _officer_client().get("/counts/", {"start": "2026-09-01", "end": "2026-01-01"})
    assert page.status_code == 400
    assert page.context["form"].non_field_errors() == ["The end comes before the start."] or "结束" in page.content.decode()
    assert _officer_client().get("/counts/", {"start": "x", "end": "0001-01-01"}).status_code == 400


def _queries(school_a, school_b, start, end) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        stats.overview(start, end)
    return len(captured.captured_queries)


def test_the_query_count_does_not_grow_with_the_students(school_a, school_b):
    start, end = timezone.localdate().replace(day=1), timezone.localdate()
    _school(school_a, enrolled=1, screened=1, prefix="a")
    _school(school_b, enrolled=1, screened=1, prefix="b")
    few = _queries(school_a, school_b, start, end)
    _school(school_a, enrolled=30, screened=25, prefix="aa")
    _school(school_b, enrolled=30, screened=25, prefix="bb")
    many = _queries(school_a, school_b, start, end)
    assert few == many
    # And a second look within a few minutes reads the schools' counts from the cache.
    with CaptureQueriesContext(connection) as captured:
        stats.overview(start, end)
    assert len(captured.captured_queries) < few


def test_the_page_is_the_district_offices_alone(school_a):
    with schema_context(school_a.schema_name):
        head = UserFactory(username="head", role=Role.HEAD_COUNSELOR)
        client = Client(HTTP_HOST=host_of(school_a))
        client.force_login(head, backend="counseling.backends.PasswordBackend")
    # Not routed on a school's site at all.
    assert client.get("/counts/").status_code == 404
    # Signed out on the district's site: asked to sign in.
    anonymous = Client(HTTP_HOST=DISTRICT_HOST).get("/counts/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
