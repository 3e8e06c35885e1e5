"""Two schools side by side: the access matrix, the confidentiality crawl, feeds, files and reports.

Issue 19's "Must show": a user, a file, a feed token and a report of school A are unreachable from
school B, for every role. School A gets the standard cast and the access matrix's world; every
role's session is then tried at school B's address, and the demo school is crawled in A while B
holds marked confidential records.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from counseling.district.tests.conftest import host_of
from counseling.tests import test_crawl
from counseling.tests.access import ROLES
from counseling.tests.test_access_matrix import all_routes

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def in_school_a(db, school_a):
    """What the test's other fixtures make is made in school A."""
    connection.set_tenant(school_a)
    yield school_a
    connection.set_schema_to_public()


def _client(school, user=None, **kwargs) -> Client:
    client = Client(HTTP_HOST=host_of(school), **kwargs)
    if user is not None:
        with schema_context(school.schema_name):
            client.force_login(user, backend="counseling.backends.PasswordBackend")
    return client


def test_the_access_matrix_holds_in_a_school_of_the_district(in_school_a, cast):
    routes = all_routes(cast)
    clients = {role: _client(in_school_a, getattr(cast, role)) for role in ROLES}
    mismatches = []
    for name, route in sorted(routes.items()):
        for role in ROLES:
            response = getattr(clients[role], route.method)(route.url, route.data)
            if response.status_code != route.expect[role]:
                mismatches.append(f"{name} as {role}: got {response.status_code}, expected {route.expect[role]}")
    assert not mismatches, "\n".join(mismatches)


def test_no_session_of_school_a_is_anybody_at_school_b(in_school_a, school_b, cast):
    """Every URL of the matrix, as every role of school A, at school B's address: answered as to an
    anonymous visitor of B, never as to somebody signed in."""
    routes = all_routes(cast)
    anonymous_at_b = _client(school_b)
    leaks = []
    for role in ROLES[1:]:
        at_b = _client(in_school_a, getattr(cast, role))
        at_b.defaults["HTTP_HOST"] = host_of(school_b)
        for name, route in sorted(routes.items()):
            if route.method != "get":
                continue
            got = at_b.get(route.url).status_code
            wanted = anonymous_at_b.get(route.url).status_code
            # A guessed invitation code counts against the address (django-axes): after a few, both
            # are told "too many tries" (429) at their own pace; that is no identity either.
            if got != wanted and 429 not in (got, wanted):
                leaks.append(f"{name} as {role} of A at B: {got}, an anonymous visitor gets {wanted}")
    assert not leaks, "\n".join(leaks)


def test_a_feed_token_of_school_a_opens_nothing_at_school_b(in_school_a, school_b, counselor):
    from appointments.models import CalendarFeed

    feed = CalendarFeed.objects.create(counselor=counselor)
    url = f"/appointments/feed/{feed.token}.ics"
    assert _client(in_school_a).get(url).status_code == 200
    assert _client(school_b).get(url).status_code == 404


def test_a_file_of_school_a_is_not_served_at_school_b(in_school_a, school_b, counselor):
    from django.core.files.base import ContentFile

    from campaigns.models import Summary, SummaryPhoto
    from campaigns.tests.factories import CampaignFactory, png_bytes
    from counseling.enums import Role
    from counseling.tests.factories import UserFactory

    summary = Summary.objects.create(campaign=CampaignFactory(), highlights="A 校的活动")
    photo = SummaryPhoto(summary=summary, original_name="a.png", content_type="image/png", size=100, uploaded_by=counselor)
    photo.file.save("a.png", ContentFile(png_bytes()), save=True)
    # On a disk (no bucket), each school's files are in a folder of its own.
    assert "/school_a/campaigns/" in photo.file.path
    url = f"/campaigns/photos/{photo.pk}/"
    assert _client(in_school_a, counselor).get(url).status_code == 200
    with schema_context(school_b.schema_name):
        counselor_b = UserFactory(username="counselor_b", role=Role.COUNSELOR)
        assert not SummaryPhoto.objects.exists()
    assert _client(school_b, counselor_b).get(url).status_code == 404


def test_a_report_of_school_a_is_not_served_at_school_b(in_school_a, school_b, head, term):
    from counseling.enums import Role
    from counseling.reports.models import SemesterReport
    from counseling.reports.services import request_report
    from counseling.tests.factories import UserFactory

    report = request_report(term, by=head)
    url = f"/reports/{report.pk}/"
    assert _client(in_school_a, head).get(url).status_code == 200
    with schema_context(school_b.schema_name):
        head_b = UserFactory(username="head_b", role=Role.HEAD_COUNSELOR)
        assert not SemesterReport.objects.exists()
    assert _client(school_b, head_b).get(url).status_code == 404


@pytest.mark.django_db
def test_no_role_of_school_a_is_served_what_school_b_keeps(school_a, school_b):
    """The confidentiality crawl of the demo school A while school B, also the demo school (the same
    user names), holds marked confidential records: no role of A is served any of B's marks."""
    with schema_context(school_b.schema_name):
        call_command("seed_demo", force=True, stdout=StringIO())
        users_b = test_crawl.demo_users()
        marked_b = test_crawl.plant_marks(users_b)
    with schema_context(school_a.schema_name):
        call_command("seed_demo", force=True, stdout=StringIO())
        users = test_crawl.demo_users()
    leaks = []
    for role in test_crawl.ROLES:
        client = _client(school_a, users.get(role), raise_request_exception=False)
        for url, (status, text) in test_crawl.crawl(client).items():
            leaks += [f"{role} of A got {mark} from {url}" for mark in test_crawl.ALLOWED if mark in text]
            if status >= 500:
                leaks.append(f"{url} as {role} of A: {status}")
    assert not leaks, "\n".join(leaks)
    # The marks are there to be found: B's counselor reads the marked session note at B's address.
    note_page = _client(school_b, users_b["counselor1"]).get(marked_b[2])
    assert note_page.status_code == 200 and test_crawl.NOTE in note_page.content.decode()


def test_a_feed_a_file_and_a_report_of_school_a_reach_no_role_of_school_b(in_school_a, school_b, counselor, head, term):
    """Every role of school B (and a visitor) asks B's site for A's feed, A's photo and A's report:
    none is served (B has no such rows; its own rows under those numbers do not exist either)."""
    from django.core.files.base import ContentFile

    from appointments.models import CalendarFeed
    from campaigns.models import Summary, SummaryPhoto
    from campaigns.tests.factories import CampaignFactory, png_bytes
    from counseling.enums import Role
    from counseling.reports.services import request_report
    from counseling.tests.factories import UserFactory

    feed = CalendarFeed.objects.create(counselor=counselor)
    summary = Summary.objects.create(campaign=CampaignFactory(), highlights="A 校的活动")
    photo = SummaryPhoto(summary=summary, original_name="a.png", content_type="image/png", size=100, uploaded_by=counselor)
    photo.file.save("a.png", ContentFile(png_bytes()), save=True)
    report = request_report(term, by=head)
    urls = [f"/appointments/feed/{feed.token}.ics", f"/campaigns/photos/{photo.pk}/", f"/reports/{report.pk}/", f"/reports/{report.pk}/pdf/"]
    with schema_context(school_b.schema_name):
        people = [UserFactory(username=f"b_{role}", role=role) for role in Role if role != Role.DISTRICT]
    served = [
        f"{url} to {person.role if person else 'a visitor'} of B: {status}"
        for person in [None, *people]
        for url in urls
        if (status := _client(school_b, person).get(url).status_code) not in (302, 403, 404)
    ]
    assert not served, "\n".join(served)
