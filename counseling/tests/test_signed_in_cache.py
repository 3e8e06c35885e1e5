"""A signed-in request reads its session, its user and the unread count from the cache, and every
change that matters takes effect on the very next request.

counseling.services.signedin keeps the user and the unread count; counseling.sessions keeps the
session (cached_db). The tests run with SIGNED_IN_CACHE on (one process, its own memory).
"""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
import redis
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from counseling.cache import TolerantRedisCache
from counseling.enums import Role
from counseling.models import Notification, Term, User
from counseling.schoolyear.services.rollover import apply_rollover
from counseling.schoolyear.services.terms import make_current
from counseling.services.notify import deliver_due, notify
from counseling.tests.factories import PASSWORD, TermFactory

pytestmark = pytest.mark.django_db


def sql_of(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def signed_in_as(client: Client) -> int | None:
    """The id of the user the next page is served to (None: sent to the sign-in page)."""
    response = client.get(reverse("notifications"))
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
        return None
    assert response.status_code == 200
    return response.context["user"].pk


def badge(client: Client) -> int:
    page = client.get(reverse("notifications")).content.decode()
    found = re.search(r'data-testid="unread-count">(\d+)<', page)
    return int(found.group(1)) if found else 0


# What a signed-in request costs.


def test_a_warm_signed_in_request_reads_no_session_user_or_unread_count(client_for, student) -> None:
    client = client_for(student)
    cold = sql_of(client, reverse("notifications"))
    # The first request after signing in reads the user once, with their class and grade.
    user_reads = [sql for sql in cold if 'FROM "counseling_user"' in sql]
    assert len(user_reads) == 1 and "counseling_grade" in user_reads[0]
    warm = sql_of(client, reverse("notifications"))
    assert not [sql for sql in warm if "django_session" in sql]
    assert not [sql for sql in warm if 'FROM "counseling_user"' in sql]
    # The page's own list of notifications is read; the badge's count is not.
    assert len([sql for sql in warm if 'FROM "counseling_notification"' in sql]) == 1


@pytest.mark.parametrize("who", ["student", "counselor"])
def test_a_signed_in_page_costs_one_query(client_for, request, who, django_assert_num_queries) -> None:
    """The notification list with no notifications: its own list and nothing else.

    Before the signed-in cache it cost four: the session, the user (with three joins), the unread
    count, the list; and, once a minute, three more to save the session.
    """
    client = client_for(request.getfixturevalue(who))
    client.get(reverse("notifications"))
    with django_assert_num_queries(1):
        assert client.get(reverse("notifications")).status_code == 200


def test_a_students_home_costs_the_same_warm_whatever_they_have_read(
    client_for, student, django_assert_num_queries
) -> None:
    client = client_for(student)
    Notification.objects.create(user=student, title="第一条")  # one unread: the panel lists it
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as empty:
        client.get(reverse("home"))
    before = len(empty.captured_queries)
    for n in range(3):
        Notification.objects.create(user=student, title=f"第{n}条")
    client.get(reverse("home"))  # the count is read again once
    with django_assert_num_queries(before):
        assert client.get(reverse("home")).status_code == 200


# Every change takes effect on the next request.


def test_a_role_change_takes_effect_on_the_next_request(client_for, counselor, administrator) -> None:
    client = client_for(counselor)
    assert client.get(reverse("cases:case_list")).status_code == 200
    admin = client_for(administrator)
    admin.post(reverse("staff_role", args=[counselor.pk]), {"role": Role.CLASS_TEACHER})
    assert User.objects.get(pk=counselor.pk).role == Role.CLASS_TEACHER
    assert client.get(reverse("cases:case_list")).status_code in (403, 404)


def test_a_deactivated_account_is_signed_out_on_its_next_request(client_for, class_teacher, administrator) -> None:
    client = client_for(class_teacher)
    assert signed_in_as(client) == class_teacher.pk
    client_for(administrator).post(reverse("staff_active", args=[class_teacher.pk]), {"active": "0"})
    assert User.objects.get(pk=class_teacher.pk).is_active is False
    assert signed_in_as(client) is None


def test_a_password_reset_signs_out_every_session_on_its_next_request(client_for, class_teacher, administrator) -> None:
    client = client_for(class_teacher)
    assert signed_in_as(client) == class_teacher.pk
    client_for(administrator).post(reverse("staff_reset", args=[class_teacher.pk]), {"what": "password"})
    assert not User.objects.get(pk=class_teacher.pk).has_usable_password()
    assert signed_in_as(client) is None


def test_changing_ones_password_signs_out_the_other_sessions(counselor) -> None:
    here, elsewhere = Client(), Client()
    for client in (here, elsewhere):
        client.post(reverse("login"), {"username": counselor.username, "password": PASSWORD})
        assert signed_in_as(client) == counselor.pk
    new = "a-new-long-passphrase-91"
    response = here.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert signed_in_as(here) == counselor.pk
    assert signed_in_as(elsewhere) is None


def test_signing_out_ends_the_session_for_its_cookie_everywhere(counselor) -> None:
    client = Client()
    client.post(reverse("login"), {"username": counselor.username, "password": PASSWORD})
    assert signed_in_as(client) == counselor.pk
    stolen = Client()
    stolen.cookies["sessionid"] = client.cookies["sessionid"].value
    assert signed_in_as(stolen) == counselor.pk
    client.post(reverse("logout"))
    assert signed_in_as(stolen) is None


def test_the_new_year_signs_out_the_graduates_on_their_next_request(client_for, student, grade, administrator) -> None:
    grade.is_graduating = True
    grade.save(update_fields=["is_graduating"])
    current = Term.objects.current()
    Term.objects.create(
        name="next",
        school_year=current.school_year + 1,
        semester=1,
        start=datetime.date(current.school_year + 1, 9, 1),
        end=datetime.date(current.school_year + 2, 1, 20),
    )
    client = client_for(student)
    assert signed_in_as(client) == student.pk
    apply_rollover(
        to_year=current.school_year + 1,
        class_ids={student.student_profile.school_class_id},
        teachers={},
        by=administrator,
    )
    assert User.objects.get(pk=student.pk).is_active is False
    assert signed_in_as(client) is None


def test_a_class_move_shows_on_the_next_request(client_for, student, school_class, other_class) -> None:
    client = client_for(student)
    assert signed_in_as(client) == student.pk
    profile = student.student_profile
    profile.school_class = other_class
    profile.save(update_fields=["school_class"])
    client.get(reverse("notifications"))
    assert client.get(reverse("notifications")).context["user"].student_profile.school_class == other_class


def test_the_unread_badge_follows_new_and_read_notifications(client_for, student) -> None:
    client = client_for(student)
    assert badge(client) == 0
    notify(student, key="t1", title="预约已确认", email=False)
    notify(student, key="t2", title="预约提醒", email=False)
    deliver_due()
    assert badge(client) == 2
    first = Notification.objects.filter(user=student).order_by("pk").first()
    client.post(reverse("notification_open", args=[first.pk]))
    assert badge(client) == 1
    client.post(reverse("notification_read_all"))
    assert badge(client) == 0


def test_one_persons_notification_leaves_anothers_badge_alone(client_for, student, other_student) -> None:
    mine, theirs = client_for(student), client_for(other_student)
    assert badge(mine) == badge(theirs) == 0
    Notification.objects.create(user=other_student, title="预约已确认")
    assert badge(mine) == 0
    assert badge(theirs) == 1


# Redis down is a miss, not an error.


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "counseling.cache.TolerantRedisCache",
            # Nothing listens on port 1: every call fails at once.
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
)
def test_pages_work_from_the_database_while_the_cache_is_down(counselor, administrator) -> None:
    TolerantRedisCache._down_until = 0.0
    client = Client()
    response = client.post(reverse("login"), {"username": counselor.username, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_as(client) == counselor.pk
    assert signed_in_as(client) == counselor.pk
    counselor.is_active = False
    counselor.save(update_fields=["is_active"])
    assert signed_in_as(client) is None


def _redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.2).ping())
    except redis.RedisError:
        return False


REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def real_redis():
    """The product's cache on a real Redis, under a key prefix of this test's own (removed after)."""
    if not _redis_answers(REDIS_URL):
        pytest.skip("needs Redis on 127.0.0.1:6379")
    prefix = f"test-{uuid.uuid4().hex}"
    caches_setting = {
        "default": {"BACKEND": "counseling.cache.TolerantRedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
    }
    TolerantRedisCache._down_until = 0.0
    try:
        with override_settings(CACHES=caches_setting):
            yield
    finally:
        server = redis.Redis.from_url(REDIS_URL)
        for found in server.scan_iter(f"{prefix}:*"):
            server.delete(found)


def test_with_redis_a_signed_in_request_reads_nothing_and_a_deactivation_still_signs_out(
    real_redis, counselor, django_assert_num_queries
) -> None:
    client = Client()
    client.post(reverse("login"), {"username": counselor.username, "password": PASSWORD})
    assert signed_in_as(client) == counselor.pk
    with django_assert_num_queries(1):
        assert signed_in_as(client) == counselor.pk
    counselor.is_active = False
    counselor.save(update_fields=["is_active"])
    assert signed_in_as(client) is None


@override_settings(SESSION_REFRESH_SECONDS=60)
def test_with_redis_a_warm_page_asks_redis_twice_through_one_client(real_redis, counselor, monkeypatch) -> None:
    """The session, then the user with their unread count: two round trips, on one shared client.

    (Activity is noted in the session at most once a minute, as in production.)
    """
    sent = []
    execute = redis.Redis.execute_command

    def counted(self, *args, **options):
        sent.append((self, args[0]))  # the client itself: kept alive, its id stays its own
        return execute(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", counted)
    client = Client()
    client.post(reverse("login"), {"username": counselor.username, "password": PASSWORD})
    client.get(reverse("home"))
    sent.clear()
    assert client.get(reverse("home")).status_code == 200
    assert [command for _client, command in sent] == ["GET", "MGET"]
    assert badge(client) == 0
    assert len({id(redis_client) for redis_client, _command in sent}) == 1


def test_the_current_term_on_the_home_page_follows_a_change_on_the_next_request(
    client_for, counselor, administrator
) -> None:
    """The home page's term comes from the cache; making another term current shows at once."""
    first = TermFactory(school_year=2026, semester=1, name="2026-2027 第1学期")
    second = TermFactory(school_year=2026, semester=2, name="2026-2027 第2学期", is_current=False)
    client = client_for(counselor)

    def shown() -> str:
        page = client.get(reverse("home")).content.decode()
        return re.search(r'data-testid="current-term">([^<]+)<', page).group(1)

    assert shown() == first.name
    with CaptureQueriesContext(connection) as queries:
        assert shown() == first.name
    assert not [q for q in queries.captured_queries if "counseling_term" in q["sql"]]
    make_current(second, by=administrator)
    assert shown() == second.name
    second.name = "第二学期"
    second.save(update_fields=["name"])
    assert shown() == "第二学期"
