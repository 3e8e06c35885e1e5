"""District-wide screenings (issue 19 §3): the district publishes one, each school's head counselor
runs it in the school's own window, the district reads per school only counts through the
disclosure control; and the district office reaches no student-level page."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.exceptions import Resolver404
from django.utils import timezone
from django_tenants.utils import schema_context

from archives.models import Instrument, Invitation, InvitationStatus, Result, Screening, Submission
from archives.services import library
from counseling.district.models import ScreeningTemplate
from counseling.district.tests.conftest import DISTRICT_HOST, host_of
from counseling.enums import Role
from counseling.tests.factories import GradeFactory, SchoolClassFactory, StudentProfileFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=False)]


def _officer() -> Client:
    # A request leaves the connection in its school\'s schema: the district\'s accounts are in public.
    connection.set_schema_to_public()
    officer = UserFactory(username="district1", name="区教育局", role=Role.DISTRICT)
    client = Client(HTTP_HOST=DISTRICT_HOST)
    client.force_login(officer, backend="counseling.backends.PasswordBackend")
    return client


def _at(school, role=Role.HEAD_COUNSELOR, username="head") -> Client:
    with schema_context(school.schema_name):
        user = UserFactory(username=username, role=role)
        client = Client(HTTP_HOST=host_of(school))
        client.force_login(user, backend="counseling.backends.PasswordBackend")
    return client


def _template(**fields) -> ScreeningTemplate:
    today = timezone.localdate()
    values = {
        "title": "全区春季心理普查",
        "instrument_code": "phq9",
        "opens_on": today,
        "closes_on": today + timezone.timedelta(days=14),
        "grade_levels": [7],
    }
    return ScreeningTemplate.objects.create(**{**values, **fields})


def test_the_district_publishes_a_screening(district):
    client = _officer()
    today = timezone.localdate()
    response = client.post(
        "/screenings/",
        {
            "title": "全区春季心理普查",
            "instrument_code": "gad7",
            "opens_on": today.isoformat(),
            "closes_on": (today + timezone.timedelta(days=10)).isoformat(),
            "grade_levels": ["7", "8"],
        },
    )
    template = ScreeningTemplate.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/screenings/{template.pk}/"
    assert (template.instrument_code, template.grade_levels) == ("gad7", [7, 8])
    assert "全区春季心理普查" in client.get("/screenings/").content.decode()


def test_a_bad_template_is_refused_and_saves_nothing(district):
    today = timezone.localdate()
    response = _officer().post(
        "/screenings/",
        {"title": "x", "instrument_code": "nope", "opens_on": today.isoformat(), "closes_on": "0001-01-01", "grade_levels": ["13"]},
    )
    assert response.status_code == 400 and not ScreeningTemplate.objects.exists()
    assert set(response.context["form"].errors) >= {"instrument_code", "closes_on", "grade_levels"}


def test_a_school_runs_it_in_its_own_window_and_the_district_sees_who_has_not(school_a, school_b):
    template = _template()
    with schema_context(school_a.schema_name):
        library.install_builtin()
        grade = GradeFactory(level=7)
    head = _at(school_a)
    listing = head.get("/archives/screenings/").content.decode()
    assert "全区春季心理普查" in listing and f"/archives/screenings/from-district/{template.pk}/" in listing
    response = head.post(f"/archives/screenings/from-district/{template.pk}/")
    with schema_context(school_a.schema_name):
        screening = Screening.objects.get(district_template=template.pk)
        assert response["Location"] == f"/archives/screenings/{screening.pk}/"
        assert screening.title == "全区春季心理普查" and list(screening.grades.all()) == [grade]
        assert [part.instrument.code for part in screening.parts.all()] == ["phq9"]
        assert screening.opens_at.date() == template.opens_on
    # Twice is the same screening.
    head.post(f"/archives/screenings/from-district/{template.pk}/")
    with schema_context(school_a.schema_name):
        assert Screening.objects.filter(district_template=template.pk).count() == 1
    page = _officer().get(f"/screenings/{template.pk}/").content.decode()
    row_a = re.search(rf"<th scope=\"row\">{school_a.name}</th>(.*?)</tr>", page, re.S).group(1)
    row_b = re.search(rf"<th scope=\"row\">{school_b.name}</th>(.*?)</tr>", page, re.S).group(1)
    assert "Being prepared" in row_a or "准备中" in row_a
    assert "Not started" in row_b or "未开始" in row_b


def test_a_counselor_who_is_not_the_head_cannot_run_it(school_a):
    template = _template()
    counselor = _at(school_a, Role.COUNSELOR, "counselor")
    assert counselor.post(f"/archives/screenings/from-district/{template.pk}/").status_code == 403
    assert _at(school_a).post("/archives/screenings/from-district/999999/").status_code == 404
    assert _at(school_a, username="head2").get(f"/archives/screenings/from-district/{template.pk}/").status_code == 405
    with schema_context(school_a.schema_name):
        assert not Screening.objects.exists()


def _submitted(school, template, bands: dict[str, int]) -> None:
    """This school's run of ``template`` with answer sheets in ``bands`` (band -> how many)."""
    with schema_context(school.schema_name):
        library.install_builtin()
        instrument = Instrument.objects.get(code=template.instrument_code)
        school_class = SchoolClassFactory()
        head = UserFactory(username="head", role=Role.HEAD_COUNSELOR)
        screening = Screening.objects.create(
            title=template.title,
            opens_at=timezone.now() - timezone.timedelta(days=1),
            closes_at=timezone.now() + timezone.timedelta(days=1),
            status="published",
            published_at=timezone.now(),
            district_template=template.pk,
            created_by=head,
        )
        screening.parts.create(instrument=instrument)
        for band, count in bands.items():
            for _n in range(count):
                profile = StudentProfileFactory(school_class=school_class)
                Invitation.objects.create(
                    screening=screening,
                    student=profile.user,
                    school_class=school_class,
                    status=InvitationStatus.SUBMITTED,
                    submitted_at=timezone.now(),
                )
                submission = Submission.objects.create(screening=screening, student=profile.user, school_class=school_class)
                Result.objects.create(
                    submission=submission,
                    screening=screening,
                    instrument=instrument,
                    school_class=school_class,
                    student=profile.user,
                    submitted_at=timezone.now(),
                    band=band,
                )


def test_band_counts_are_suppressed_and_no_answer_is_shown(school_a, school_b):
    template = _template()
    _submitted(school_a, template, {"minimal": 9, "mild": 6, "severe": 2})
    _submitted(school_b, template, {"minimal": 12, "mild": 7, "moderate": 5})
    page = _officer().get(f"/screenings/{template.pk}/").content.decode()
    cells = re.findall(r"<td>(.*?)</td>", re.search(rf"<th scope=\"row\">{school_a.name}</th>(.*?)</tr>", page, re.S).group(1))
    # Status, invited, answered, coverage, then minimal, mild, moderate, moderately severe, severe.
    assert cells[1:4] == ["17", "17", "100%"]
    assert cells[4 + 4] == "*"  # two severe answers: hidden
    assert "2" not in cells[4:]
    totals = re.findall(r"<td>(.*?)</td>", re.search(r"<tfoot>(.*?)</tfoot>", page, re.S).group(1))
    assert totals[1:3] == ["41", "41"]


def _school_paths() -> list[str]:
    """Every page of a school's site, with made-up ids."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = str(pattern.pattern)
            route = re.sub(r"<int:\w+>", "1", route)
            route = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), route)
            route = re.sub(r"<(?:str|slug|path):\w+>|<\w+>", "x", route)
            if route.startswith("^"):
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                found.append("/" + prefix + route)

    walk(get_resolver("counseling.urls").url_patterns, "")
    return found


def test_the_district_office_reaches_no_school_page(district):
    """No school page is even routed on the district's site; the shared pages (sign-in, help) are."""
    district_site = get_resolver("counseling.district.urls")
    client = _officer()
    checked = 0
    for path in _school_paths():
        try:
            district_site.resolve(path)
            continue  # a page both sites have (sign-in, notifications, help)
        except Resolver404:
            pass
        assert client.get(path).status_code == 404, path
        checked += 1
    assert checked > 50


STUDENT_PAGES = [
    "/cases/",
    "/cases/1/",
    "/archives/screenings/",
    "/archives/screenings/1/",
    "/archives/results/",
    "/archives/students/1/",
    "/appointments/agenda/",
    "/reports/",
]


def test_a_district_account_in_a_school_reads_no_student(school_a):
    """Even an account with the district's role inside a school is no district office there."""
    client = _at(school_a, Role.DISTRICT, "district-at-school")
    for path in STUDENT_PAGES:
        assert client.get(path).status_code in (403, 404), path
