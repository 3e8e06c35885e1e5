"""The district site's access matrix: every URL of the district office's site, as the district
officer, as an account of the shared schema without the role, as a signed-out visitor, and with a
school's session (which must be nobody there)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context

from counseling.district.models_campaigns import DistrictCampaign
from counseling.district.models_stats import ScreeningTemplate
from counseling.district.tests.conftest import host_of
from counseling.enums import Role
from counseling.tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# Roles of this matrix: the district officer, an account of the shared schema without the district
# role (an operator's mistake), a signed-out visitor.
OFFICER, OTHER, ANONYMOUS = "officer", "other", "anonymous"


def _rows(campaign: DistrictCampaign, template: ScreeningTemplate, school) -> dict[str, tuple[str, str, dict[str, int]]]:
    def office(allowed: int = 200) -> dict[str, int]:
        return {OFFICER: allowed, OTHER: 403, ANONYMOUS: 302}

    def signed_in(allowed: int = 200) -> dict[str, int]:
        return {OFFICER: allowed, OTHER: allowed, ANONYMOUS: 302}

    everyone = {OFFICER: 200, OTHER: 200, ANONYMOUS: 200}
    return {
        "home": ("get", "/", office()),
        "district_school_add": ("get", "/schools/new/", office()),
        "district_school": ("get", f"/schools/{school.pk}/", office()),
        "district_admin_link": ("get", f"/schools/{school.pk}/administrators/1/link/", office(405)),
        "login": ("get", "/accounts/login/", {OFFICER: 302, OTHER: 302, ANONYMOUS: 200}),
        "logout": ("get", "/accounts/logout/", {OFFICER: 405, OTHER: 405, ANONYMOUS: 405}),
        "password_change": ("get", "/accounts/password/", signed_in()),
        "password_change_done": ("get", "/accounts/password/done/", signed_in()),
        "two_factor": ("get", "/accounts/two-factor/", signed_in()),
        "recovery_codes": ("get", "/accounts/recovery-codes/", signed_in()),
        "password_reset_confirm": ("get", "/accounts/set-password/MQ/bad-token/", everyone),
        "password_reset_complete": ("get", "/accounts/set-password/done/", everyone),
        "notifications": ("get", "/notifications/", signed_in()),
        "notification_open": ("get", "/notifications/1/open/", signed_in(405)),
        "notification_read_all": ("get", "/notifications/read-all/", signed_in(405)),
        "help": ("get", "/help/", everyone),
        "privacy": ("get", "/privacy/", everyone),
        "district_campaigns": ("get", "/campaigns/", office()),
        "district_campaign_create": ("get", "/campaigns/new/", office()),
        "district_campaign": ("get", f"/campaigns/{campaign.pk}/", office()),
        "district_campaign_edit": ("get", f"/campaigns/{campaign.pk}/edit/", office()),
        "district_campaign_publish": ("get", f"/campaigns/{campaign.pk}/publish/", office(405)),
        "district_submission_file": ("get", "/campaigns/files/999999/", office(404)),
        "district_aggregates": ("get", "/counts/", office()),
        "district_screenings": ("get", "/screenings/", office()),
        "district_screening": ("get", f"/screenings/{template.pk}/", office()),
    }


def _names() -> set[str]:
    resolver = get_resolver("counseling.district.urls")
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLPattern):
            names.add(pattern.name)
        else:  # i18n's set_language, Django's own
            names.update(f"i18n:{p.name}" for p in pattern.url_patterns)
    return names


@pytest.fixture
def world(district):
    officer = UserFactory(username="dist1", name="区德育科", role=Role.DISTRICT)
    today = timezone.localdate()
    campaign = DistrictCampaign.objects.create(
        title="宣传周", theme="阳光心态", start_date=today + datetime.timedelta(days=10), end_date=today + datetime.timedelta(days=16)
    )
    template = ScreeningTemplate.objects.create(
        title="全区筛查", instrument_code="phq9", opens_on=today, closes_on=today + datetime.timedelta(days=14), grade_levels=[1]
    )
    return officer, campaign, template


def _client(user=None, host: str = "district.test") -> Client:
    client = Client(HTTP_HOST=host)
    if user is not None:
        client.force_login(user, backend="counseling.backends.PasswordBackend")
    return client


def test_every_url_of_the_district_site_is_in_the_matrix(world, district):
    _officer, campaign, template = world
    assert _names() - {"i18n:set_language"} == set(_rows(campaign, template, district.a))


def test_every_role_gets_the_expected_status_on_the_district_site(world, district, school_a):
    officer, campaign, template = world
    other = UserFactory(username="notdistrict", role=Role.ADMINISTRATOR)
    with schema_context(school_a.schema_name):
        head_a = UserFactory(username="head_a", role=Role.HEAD_COUNSELOR)
    school_session = Client(HTTP_HOST=host_of(school_a))
    with schema_context(school_a.schema_name):
        school_session.force_login(head_a, backend="counseling.backends.PasswordBackend")
    school_session.defaults["HTTP_HOST"] = "district.test"
    clients = {OFFICER: _client(officer), OTHER: _client(other), ANONYMOUS: _client()}
    mismatches = []
    for name, (method, url, expected) in sorted(_rows(campaign, template, district.a).items()):
        for role, client in clients.items():
            got = getattr(client, method)(url).status_code
            if got != expected[role]:
                mismatches.append(f"{name} as {role}: got {got}, expected {expected[role]}")
        got = getattr(school_session, method)(url).status_code
        if got != expected[ANONYMOUS]:
            mismatches.append(f"{name} with school A's head counselor's session: got {got}, like a visitor {expected[ANONYMOUS]}")
    assert not mismatches, "\n".join(mismatches)
