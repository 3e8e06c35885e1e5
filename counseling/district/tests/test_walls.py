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
