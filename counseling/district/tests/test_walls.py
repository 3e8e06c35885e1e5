"""Schools walled off: nothing of school A is reachable from school B (issue 19, "Must show")."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django_tenants.utils import schema_context

from counseling import crypto
from counseling.cases.models import Case
from counseling.district.tests.conftest import host_of
from counseling.enums import Role
from counseling.services import audit
from counseling.tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=False)]


def _client(school, user=None) -> Client:
    client = Client(HTTP_HOST=host_of(school))
    if user is not None:
        with schema_context(school.schema_name):
            client.force_login(user, backend="counseling.backends.PasswordBackend")
    return client


def test_a_session_of_school_a_is_nobody_at_school_b(school_a, school_b):
    with schema_context(school_a.schema_name):
        counselor = UserFactory(username="alice", name="艾丽斯", role=Role.COUNSELOR)
    client = _client(school_a, counselor)
    assert client.get("/cases/").status_code == 200
    # The same cookie at school B's address: no such session there, so B asks to sign in.
    client.defaults["HTTP_HOST"] = host_of(school_b)
    response = client.get("/cases/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_password_of_school_a_does_not_open_school_b(school_a, school_b):
    with schema_context(school_a.schema_name):
        UserFactory(username="alice", name="艾丽斯", role=Role.COUNSELOR)
    page = _client(school_b).post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert page.status_code == 200 and "_auth_user_id" not in page.client.session
    ok = _client(school_a).post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert ok.status_code == 302


def test_a_case_of_school_a_is_not_in_school_b(school_a, school_b):
    from counseling.cases.tests.factories import CaseFactory

    with schema_context(school_a.schema_name):
        counselor_a = UserFactory(username="alice", name="艾丽斯", role=Role.COUNSELOR)
        case = CaseFactory(student=UserFactory(username="s1", name="张小明"), counselor=counselor_a)
    with schema_context(school_b.schema_name):
        counselor_b = UserFactory(username="bob", name="鲍勃", role=Role.HEAD_COUNSELOR)
        assert not Case.objects.exists()
    assert "张小明" in _client(school_a, counselor_a).get("/cases/").content.decode()
    page_b = _client(school_b, counselor_b)
    assert "张小明" not in page_b.get("/cases/").content.decode()
    assert page_b.get(f"/cases/{case.pk}/").status_code == 404


def test_each_school_has_its_own_field_keys(school_a, school_b):
    with schema_context(school_a.schema_name):
        token = crypto.encrypt("只给第一中学看")
        assert crypto.decrypt(token) == "只给第一中学看"
    with schema_context(school_b.schema_name), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_each_school_has_its_own_audit_chain(school_a, school_b):
    with schema_context(school_a.schema_name):
        user_a = UserFactory(username="alice", role=Role.ADMINISTRATOR)
        entry_a = audit.record(user_a, "view", user_a)
        assert not audit.verify().problems
    with schema_context(school_b.schema_name):
        user_b = UserFactory(username="alice", role=Role.ADMINISTRATOR)
        entry_b = audit.record(user_b, "view", user_b)
        assert not audit.verify().problems
        # The same first entry in each school is sealed under each school's own key.
        assert entry_b.prev_hash == entry_a.prev_hash == audit.GENESIS
        assert entry_b.hash != entry_a.hash


def test_cache_entries_are_per_school(school_a, school_b):
    with schema_context(school_a.schema_name):
        cache.set("signedin:term", "A's term")
        assert cache.get("signedin:term") == "A's term"
    with schema_context(school_b.schema_name):
        assert cache.get("signedin:term") is None


def test_an_unknown_host_is_not_found(district):
    assert Client(HTTP_HOST="c.district.test").get("/accounts/login/").status_code == 404


STUDENT_LEVEL = [
    "/cases/",
    "/cases/1/",
    "/archives/students/1/",
    "/archives/screenings/",
    "/appointments/book/",
    "/appointments/agenda/",
    "/appointments/mailbox/",
    "/reports/",
    "/campaigns/planner/",
    "/directory/staff/",
    "/family/consent/",
]


def test_the_district_office_reaches_no_school_page(district, school_a):
    from counseling.enums import Role

    officer = UserFactory(username="dist1", name="区德育科", role=Role.DISTRICT)
    client = Client(HTTP_HOST=district.host)
    client.force_login(officer, backend="counseling.backends.PasswordBackend")
    home = client.get("/")
    assert home.status_code == 200
    assert "第一中学" in home.content.decode() and "第二中学" in home.content.decode()
    for path in STUDENT_LEVEL:
        assert client.get(path).status_code == 404, path
    # The district's session is nobody at a school.
    client.defaults["HTTP_HOST"] = host_of(school_a)
    assert client.get("/cases/").status_code == 302


def test_a_district_role_inside_a_school_holds_nothing(school_a):
    with schema_context(school_a.schema_name):
        impostor = UserFactory(username="impostor", role=Role.DISTRICT)
        assert not any(impostor.has_perm(perm) for perm in ("district.view_district", "cases.view_cases", "reports.view_reports"))
    client = _client(school_a, impostor)
    for path in ("/cases/", "/reports/", "/archives/screenings/", "/directory/staff/"):
        assert client.get(path).status_code == 403, path


def test_school_users_cannot_use_the_district_site(district, school_a):
    with schema_context(school_a.schema_name):
        admin_a = UserFactory(username="admin_a", role=Role.ADMINISTRATOR)
    # Signing in at the district's address with a school's account fails: the account is not there.
    response = Client(HTTP_HOST=district.host).post("/accounts/login/", {"username": "admin_a", "password": PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in response.client.session
    # The school's session at the district's address is nobody.
    client = _client(school_a, admin_a)
    client.defaults["HTTP_HOST"] = district.host
    assert client.get("/").status_code == 302


def test_the_district_office_adds_a_school_with_its_first_administrator(district):
    from counseling.district.models import School
    from counseling.models import User

    officer = UserFactory(username="dist1", name="区德育科", role=Role.DISTRICT)
    client = Client(HTTP_HOST=district.host)
    client.force_login(officer, backend="counseling.backends.PasswordBackend")
    bad = client.post("/schools/new/", {"name": "第三中学", "schema_name": "Public!", "domain": "c", "admin_username": "x", "admin_name": ""})
    assert bad.status_code == 200 and not School.objects.filter(name="第三中学").exists()
    assert "Use 2–40 lowercase letters" in bad.content.decode() or "小写字母" in bad.content.decode()
    taken = client.post(
        "/schools/new/",
        {"name": "第三中学", "schema_name": "school_a", "domain": "c.district.test", "admin_username": "admin3", "admin_name": "赵老师"},
    )
    assert taken.status_code == 200 and not School.objects.filter(name="第三中学").exists()
    added = client.post(
        "/schools/new/",
        {"name": "第三中学", "schema_name": "school_c", "domain": "c.district.test", "admin_username": "admin3", "admin_name": "赵老师"},
    )
    assert added.status_code == 200
    page = added.content.decode()
    assert "http://c.district.test/accounts/set-password/" in page
    assert School.objects.filter(schema_name="school_c").exists()
    with schema_context("school_c"):
        admin = User.objects.get(username="admin3")
        assert admin.role == Role.ADMINISTRATOR and not admin.has_usable_password()
    assert not User.objects.filter(username="admin3").exists()  # not in the district's own accounts
    # The link works at the new school's address, nowhere else.
    link = page.split("http://c.district.test", 1)[1].split("<", 1)[0].split('"', 1)[0]
    assert Client(HTTP_HOST="c.district.test").get(link, follow=True).status_code == 200


def test_each_school_has_its_own_part_of_the_bucket(school_a, school_b, monkeypatch):
    import boto3
    from django.core.files.base import ContentFile
    from moto import mock_aws

    from counseling.storage import SchoolS3Storage

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="t", aws_secret_access_key="t")
        client.create_bucket(Bucket="district")
        storage = SchoolS3Storage(
            bucket_name="district", access_key="t", secret_key="t", region_name="us-east-1", location="counseling", default_acl=None
        )
        with schema_context(school_a.schema_name):
            name = storage.save("campaigns/plan.txt", ContentFile(b"A's plan"))
            assert storage.exists(name)
        keys = [item["Key"] for item in client.list_objects_v2(Bucket="district")["Contents"]]
        assert keys == [f"counseling/school_a/{name}"]
        with schema_context(school_b.schema_name):
            assert not storage.exists(name)
