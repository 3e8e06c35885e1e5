"""District campaigns end to end (issue 19 §2): the office publishes, schools start theirs and send (报送)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from campaigns.models import Campaign
from campaigns.services import summary as summary_service
from campaigns.tests.factories import png_bytes, upload
from counseling.district.models_campaigns import CampaignSubmission, DistrictCampaign, SubmissionFile
from counseling.district.tests.conftest import DISTRICT_HOST, host_of
from counseling.enums import Role
from counseling.services import district_campaigns
from counseling.tests.factories import TermFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=False)]

TODAY = timezone.localdate()
# The district campaign runs next week; schools send within a week of its last day (due: END + 7).
START, END = TODAY + datetime.timedelta(days=2), TODAY + datetime.timedelta(days=8)


def days_on(days: int):
    """The clock moved ``days`` days on from now (a school plans before the campaign and sends after it)."""
    return time_machine.travel(timezone.now() + datetime.timedelta(days=days), tick=False)


def _login(host: str, schema: str, user) -> Client:
    client = Client(HTTP_HOST=host)
    with schema_context(schema):
        client.force_login(user, backend="counseling.backends.PasswordBackend")
    return client


def _officer_user():
    with schema_context("public"):
        return UserFactory(username="quxiao", name="区德育科", role=Role.DISTRICT)


@pytest.fixture
def officer(district):
    return _login(DISTRICT_HOST, "public", _officer_user())


def _head(school, username: str):
    with schema_context(school.schema_name):
        TermFactory()
        user = UserFactory(username=username, name=f"{username}老师", role=Role.HEAD_COUNSELOR)
    return user, _login(host_of(school), school.schema_name, user)


def _again(school, user) -> Client:
    """A fresh sign-in (after the clock moved on, the old session has timed out)."""
    return _login(host_of(school), school.schema_name, user)


def _publish(officer) -> DistrictCampaign:
    page = officer.post(
        "/campaigns/new/",
        {
            "title": "区心理健康活动月",
            "theme": "携手成长，共筑心灵家园",
            "start_date": START.isoformat(),
            "end_date": END.isoformat(),
            "description": "各校开展心理剧、讲座、亲子活动。",
            "materials": ["summary", "pdf", "photos"],
        },
    )
    assert page.status_code == 302
    connection.set_schema_to_public()
    campaign = DistrictCampaign.objects.get(title="区心理健康活动月")
    assert campaign.status == "draft"
    assert officer.post(f"/campaigns/{campaign.pk}/publish/").status_code == 302
    connection.set_schema_to_public()
    campaign.refresh_from_db()
    assert campaign.status == "published" and campaign.materials == ["summary", "pdf", "photos"]
    return campaign


def _start_and_summarise(school, client, user, district_campaign) -> Campaign:
    """The school starts its campaign from the district's template and writes its summary with a photo."""
    planner = client.get("/campaigns/planner/")
    assert "区心理健康活动月" in planner.content.decode()
    form = client.get(f"/campaigns/new/district/{district_campaign.pk}/")
    assert "携手成长，共筑心灵家园" in form.content.decode()
    created = client.post(
        f"/campaigns/new/district/{district_campaign.pk}/",
        {
            "title": "第一中学心理健康活动周",
            "theme": "携手成长，共筑心灵家园",
            "kind": "week",
            "start_date": START.isoformat(),
            "end_date": END.isoformat(),
            "for_students": "on",
            "for_teachers": "on",
            "summary_due_days": "7",
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    with schema_context(school.schema_name):
        campaign = Campaign.objects.get(title="第一中学心理健康活动周")
        assert campaign.district_campaign_id == district_campaign.pk
        Campaign.objects.filter(pk=campaign.pk).update(status="published")
        campaign.status = "published"
        with days_on(10):
            summary = summary_service.save_summary(
                campaign, by=user, highlights="举办了心理讲座和亲子活动。", participant_count=320
            )
            photo = summary_service.add_photo(
                summary, by=user, upload=upload("签名.png", png_bytes()), caption="签名活动"
            )
    return campaign, photo


def test_published_campaign_reaches_schools_and_a_submission_reaches_the_district(officer, school_a, school_b):
    district_campaign = _publish(officer)
    head_a, client_a = _head(school_a, "lina")
    campaign, photo = _start_and_summarise(school_a, client_a, head_a, district_campaign)
    with days_on(10):  # two days after the last day: on time
        client_a = _again(school_a, head_a)
        page = client_a.get(f"/campaigns/{campaign.pk}/summary/").content.decode()
        assert "签名活动" in page and "不要报送" in page
        sent = client_a.post(f"/campaigns/{campaign.pk}/summary/send/", {"photos": [str(photo.pk)]})
        assert sent.status_code == 302
        with schema_context(school_a.schema_name):
            photo_bytes = photo.file.open("rb").read()
            assert Campaign.objects.get(pk=campaign.pk).status == "summarised"
        connection.set_schema_to_public()
        submission = CampaignSubmission.objects.get(district_campaign=district_campaign, school=school_a)
        assert not submission.is_late and submission.submitted_by == "lina老师"
        assert submission.participant_count == 320
        assert sorted(item.kind for item in submission.files.all()) == ["pdf", "photos"]

        # The district's page: A sent on time; B not yet due; the photo downloads byte for byte.
        officer_now = _login(DISTRICT_HOST, "public", _officer_user())
        detail = officer_now.get(f"/campaigns/{district_campaign.pk}/").content.decode()
        assert 'data-school="school_a" data-state="on_time"' in detail
        assert 'data-school="school_b" data-state="not_yet_due"' in detail
        connection.set_schema_to_public()
        photo_file = submission.files.get(kind="photos")
        download = officer_now.get(f"/campaigns/files/{photo_file.pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content) == photo_bytes
        connection.set_schema_to_public()
        pdf_file = submission.files.get(kind="pdf")
        pdf = officer_now.get(f"/campaigns/files/{pdf_file.pk}/")
        assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    # After the due day (the last day + 7), B has sent nothing: missing.
    with days_on(20):
        later = _login(DISTRICT_HOST, "public", _officer_user()).get(f"/campaigns/{district_campaign.pk}/")
    assert 'data-school="school_a" data-state="on_time"' in later.content.decode()
    assert 'data-school="school_b" data-state="missing"' in later.content.decode()

    # School B sees nothing of A's: no such address on a school's site, and no submission of its own.
    _head_b, client_b = _head(school_b, "wangfang")
    assert client_b.get(f"/campaigns/files/{photo_file.pk}/").status_code == 404
    with schema_context(school_b.schema_name):
        assert district_campaigns.submission(district_campaign.pk) is None
    with schema_context(school_a.schema_name):
        assert district_campaigns.submission(district_campaign.pk).file_names


def test_a_late_submission_is_accepted_and_marked_late_and_sending_again_replaces(officer, school_a):
    district_campaign = _publish(officer)
    head_a, client_a = _head(school_a, "lina")
    campaign, photo = _start_and_summarise(school_a, client_a, head_a, district_campaign)
    with days_on(10):
        client_a = _again(school_a, head_a)
        assert client_a.post(f"/campaigns/{campaign.pk}/summary/send/", {"photos": [str(photo.pk)]}).status_code == 302
    with days_on(17):  # two days after the due day
        client_a = _again(school_a, head_a)
        assert client_a.post(f"/campaigns/{campaign.pk}/summary/send/", {}).status_code == 302
        page = client_a.get(f"/campaigns/{campaign.pk}/summary/").content.decode()
        assert "逾期" in page
        connection.set_schema_to_public()
        submission = CampaignSubmission.objects.get(district_campaign=district_campaign, school=school_a)
        assert submission.is_late and submission.times_sent == 2
        # Replaced: only the PDF this time (no photo ticked).
        assert [item.kind for item in submission.files.all()] == ["pdf"]
        detail = _login(DISTRICT_HOST, "public", _officer_user()).get(f"/campaigns/{district_campaign.pk}/")
        assert 'data-school="school_a" data-state="late"' in detail.content.decode()


def test_bad_photo_ids_change_nothing(officer, school_a):
    district_campaign = _publish(officer)
    head_a, client_a = _head(school_a, "lina")
    campaign, _photo = _start_and_summarise(school_a, client_a, head_a, district_campaign)
    with days_on(10):
        client_a = _again(school_a, head_a)
        for bad in (["x"], ["999999"], ["1" * 20]):
            assert client_a.post(f"/campaigns/{campaign.pk}/summary/send/", {"photos": bad}).status_code == 302
    connection.set_schema_to_public()
    assert not CampaignSubmission.objects.exists()


def test_school_users_never_reach_the_district_site(officer, school_a):
    district_campaign = _publish(officer)
    _head_a, client_a = _head(school_a, "lina")
    # A school's session is nobody on the district's host: sign in first.
    client_a.defaults["HTTP_HOST"] = DISTRICT_HOST
    for url in ("/campaigns/", f"/campaigns/{district_campaign.pk}/", "/campaigns/new/"):
        response = client_a.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    connection.set_schema_to_public()
    file_row = SubmissionFile.objects.first()
    assert file_row is None
    assert officer.get("/campaigns/files/999999/").status_code == 404
    assert officer.get("/campaigns/999999/").status_code == 404


def test_a_draft_is_not_shown_to_schools_and_a_published_one_cannot_be_changed(officer, school_a):
    officer.post(
        "/campaigns/new/",
        {
            "title": "草稿活动",
            "theme": "主题",
            "start_date": START.isoformat(),
            "end_date": END.isoformat(),
            "materials": ["pdf"],
        },
    )
    connection.set_schema_to_public()
    draft = DistrictCampaign.objects.get(title="草稿活动")
    _head_a, client_a = _head(school_a, "lina")
    assert "草稿活动" not in client_a.get("/campaigns/planner/").content.decode()
    assert client_a.get(f"/campaigns/new/district/{draft.pk}/").status_code == 404
    bad = officer.post(
        "/campaigns/new/", {"title": "", "theme": "x", "start_date": END.isoformat(), "end_date": START.isoformat()}
    )
    assert bad.status_code == 400
    officer.post(f"/campaigns/{draft.pk}/publish/")
    officer.post(
        f"/campaigns/{draft.pk}/edit/",
        {
            "title": "改了",
            "theme": "主题",
            "start_date": START.isoformat(),
            "end_date": END.isoformat(),
            "materials": ["pdf"],
        },
    )
    connection.set_schema_to_public()
    draft.refresh_from_db()
    assert draft.title == "草稿活动" and draft.status == "published"


def test_sending_again_removes_the_earlier_files_from_the_districts_storage(
    officer, school_a, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    district_campaign = _publish(officer)
    district_campaign.status = "published"
    district_campaign.save(update_fields=["status"])
    outgoing = district_campaigns.OutgoingFile(kind="pdf", name="summary.pdf", content_type="application/pdf", content=b"%PDF-1")
    with days_on(10), schema_context(school_a.schema_name):
        kwargs = {
            "school_campaign_id": 1,
            "school_campaign_title": "活动月",
            "highlights": "讲座三场",
            "participant_count": 300,
            "by_name": "李娜",
            "files": [outgoing],
        }
        with django_capture_on_commit_callbacks(execute=True):
            district_campaigns.submit(district_campaign.pk, **kwargs)
        with schema_context("public"):
            first = SubmissionFile.objects.get().file.name
            assert default_storage.exists(first)
        with django_capture_on_commit_callbacks(execute=True):
            district_campaigns.submit(district_campaign.pk, **kwargs)
    with schema_context("public"):
        assert not default_storage.exists(first)
        assert default_storage.exists(SubmissionFile.objects.get().file.name)
