"""counseling.prepared: a kept query gives each caller exactly what a fresh queryset would, and
refuses to keep what would carry one caller's data to the next."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appointments.models import Appointment
from appointments.tests.factories import AppointmentFactory
from counseling import prepared
from counseling.enums import Role
from counseling.models import Notification, User
from counseling.prepared import PreparedQueryError
from counseling.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    prepared.forget()
    yield
    prepared.forget()


def _unread(user, since):
    return Notification.objects.filter(user=user, read_at=None, created_at__gte=since).order_by("id")


def test_each_caller_gets_their_own_rows_from_the_kept_query():
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    for user, title in ((ann, "for ann"), (bob, "for bob"), (bob, "bob again")):
        Notification.objects.create(user=user, title=title)
    since = timezone.now() - datetime.timedelta(hours=1)

    def build(user, since):
        return _unread(user, since).values_list("title", flat=True)

    assert prepared.rows("t.unread", build, user=ann, since=since) == ["for ann"]
    with CaptureQueriesContext(connection) as queries:
        assert prepared.rows("t.unread", build, user=bob, since=since) == ["for bob", "bob again"]
    assert len(queries.captured_queries) == 1
    later = timezone.now() + datetime.timedelta(hours=1)
    assert prepared.rows("t.unread", build, user=bob, since=later) == []


def test_values_dicts_tuples_and_datetimes_come_back_as_the_queryset_gives_them():
    ann = UserFactory(username="ann")
    Notification.objects.create(user=ann, title="one")
    since = timezone.now() - datetime.timedelta(hours=1)
    fresh_dicts = list(_unread(ann, since).values("title", "created_at"))
    kept = prepared.rows("t.dicts", lambda user, since: _unread(user, since).values("title", "created_at"), user=ann, since=since)
    assert kept == fresh_dicts
    assert kept[0]["created_at"].tzinfo is not None
    tuples = prepared.rows(
        "t.tuples", lambda user, since: _unread(user, since).values_list("pk", "title"), user=ann, since=since
    )
    assert tuples == list(_unread(ann, since).values_list("pk", "title"))


def test_a_list_of_ids_of_any_length():
    users = [UserFactory(username=f"u{n}") for n in range(4)]

    def build(ids):
        return User.objects.filter(pk__in=ids).order_by("username").values_list("username", flat=True)

    assert prepared.rows("t.ids", build, ids=[users[0].pk]) == ["u0"]
    assert prepared.rows("t.ids", build, ids=[users[1].pk, users[3].pk]) == ["u1", "u3"]
    assert prepared.rows("t.ids", build, ids=[users[2].pk]) == ["u2"]


def test_a_value_worked_out_inside_build_is_refused():
    ann = UserFactory(username="ann")
    now = timezone.now()

    def build(user, now):
        return _unread(user, now - datetime.timedelta(days=7)).values_list("title")

    with pytest.raises(PreparedQueryError, match="computed from a value"):
        prepared.rows("t.derived", build, user=ann, now=now)

    def reads_the_clock(user):
        return _unread(user, timezone.now()).values_list("title")

    with pytest.raises(PreparedQueryError):
        prepared.rows("t.clock", reads_the_clock, user=ann)


def test_a_name_of_an_instance_is_never_built_into_the_kept_sql():
    """A text field of an instance passed in would be one person's data kept for everyone."""
    ann = UserFactory(username="ann", name="安")

    def build(user):
        return User.objects.filter(name=user.name).values_list("username", flat=True)

    with pytest.raises(PreparedQueryError, match="field of an instance"):
        prepared.rows("t.field", build, user=ann)


def test_an_instances_id_fields_are_put_in_at_each_call():
    """A class teacher's door reads the class id of a profile: each caller's own, never the first one's."""
    from counseling.tests.factories import SchoolClassFactory, make_student

    one, two = SchoolClassFactory(), SchoolClassFactory()
    ann, bob = make_student("ann", one), make_student("bob", two)
    make_student("cat", two)

    def build(profile):
        return (
            User.objects.filter(student_profile__school_class_id=profile.school_class_id)
            .order_by("username")
            .values_list("username", flat=True)
        )

    assert prepared.rows("t.class", build, profile=ann.student_profile) == ["ann"]
    assert prepared.rows("t.class", build, profile=bob.student_profile) == ["bob", "cat"]


def test_in_production_a_query_that_cannot_be_kept_runs_as_it_is(settings, caplog):
    settings.PREPARED_QUERIES_CHECK = False
    ann = UserFactory(username="ann")
    Notification.objects.create(user=ann, title="recent")
    now = timezone.now()

    def build(user, now):
        return _unread(user, now - datetime.timedelta(days=7)).values_list("title", flat=True)

    for _ in range(2):
        assert prepared.rows("t.derived", build, user=ann, now=now) == ["recent"]
    assert "t.derived" in caplog.text
    assert "ann" not in caplog.text


def test_a_bool_or_none_must_be_shape_not_a_value():
    with pytest.raises(PreparedQueryError, match="shape"):
        prepared.rows("t.bool", lambda flag: User.objects.filter(is_active=flag).values_list("pk"), flag=True)
    with pytest.raises(PreparedQueryError, match="shape"):
        prepared.rows("t.none", lambda at: Notification.objects.filter(read_at=at).values_list("pk"), at=None)


def test_model_instances_are_refused():
    ann = UserFactory(username="ann")
    with pytest.raises(PreparedQueryError, match="values"):
        prepared.rows("t.models", lambda user: User.objects.filter(pk=user.pk), user=ann)


def test_a_shape_that_leaves_out_the_door_taken_fails_the_check():
    """The agenda door: a counselor's own rows, a student's own rows. Without the scope in ``shape``
    the second caller would reuse the first one's form; the check on in tests catches it."""
    counselor = UserFactory(username="c1", role=Role.COUNSELOR)
    student = UserFactory(username="s1", role=Role.STUDENT)
    AppointmentFactory(student=student, counselor=counselor)

    def build(user):
        return Appointment.objects.visible_to(user).values_list("pk", flat=True)

    assert len(prepared.rows("t.door", build, user=counselor)) == 1
    with pytest.raises(PreparedQueryError, match="differs from a fresh build"):
        prepared.rows("t.door", build, user=student)
    # With the scope in shape each way through the door is kept on its own.
    for user in (counselor, student):
        shape = (Appointment.objects.scope_of(user),)
        assert prepared.rows("t.door.scoped", build, shape=shape, user=user) == list(build(user))


def test_without_the_check_a_kept_query_still_takes_each_callers_id(settings):
    """Production runs without the per-call check: what it relies on is that every id is a slot."""
    settings.PREPARED_QUERIES_CHECK = False
    counselor = UserFactory(username="c1", role=Role.COUNSELOR)
    other = UserFactory(username="c2", role=Role.COUNSELOR)
    student = UserFactory(username="s1")
    mine = AppointmentFactory(student=student, counselor=counselor)

    def build(user):
        return Appointment.objects.visible_to(user).values_list("pk", flat=True)

    shape = (Appointment.objects.scope_of(counselor),)
    assert prepared.rows("t.ids", build, shape=shape, user=counselor) == [mine.pk]
    assert prepared.rows("t.ids", build, shape=shape, user=other) == []


def test_a_shut_door_gives_no_rows():
    """A door's "none" way (``.none()``) compiles to no SQL at all: the rows are simply none."""
    guardian = UserFactory(username="g1", role=Role.GUARDIAN, is_active=False)  # holds nothing

    def build(user):
        return Appointment.objects.visible_to(user).values_list("pk", flat=True)

    shape = (Appointment.objects.scope_of(guardian),)
    assert shape == ("none",)
    assert prepared.rows("t.shut", build, shape=shape, user=guardian) == []


def test_past_the_limit_of_kept_forms_a_query_runs_plain(monkeypatch):
    """A few hundred forms at most per process: the next one is answered as a plain queryset."""
    monkeypatch.setattr(prepared, "MAX_KEPT", 1)
    users = [UserFactory(username=f"k{n}") for n in range(3)]

    def build(ids):
        return User.objects.filter(pk__in=ids).order_by("username").values_list("username", flat=True)

    assert prepared.rows("t.limit", build, ids=[users[0].pk]) == ["k0"]
    assert prepared.rows("t.limit", build, ids=[users[1].pk, users[2].pk]) == ["k1", "k2"]
    assert len(prepared._kept) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_query_run_often_is_planned_once_per_connection(settings):
    """After a few runs on one connection the kept query is PREPAREd and then EXECUTEd with each
    caller's values; a new connection starts counting again; inside a transaction it runs plain."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's PREPARE")
    settings.PREPARED_STATEMENTS = True
    ann, bob = UserFactory(username="ann"), UserFactory(username="bob")
    Notification.objects.create(user=ann, title="50% off, for ann")
    Notification.objects.create(user=bob, title="for bob")
    since = timezone.now() - datetime.timedelta(hours=1)

    def build(user, since, text):
        return _unread(user, since).exclude(title=text).values_list("title", flat=True)

    def run(user):
        return prepared.rows("t.server", build, user=user, since=since, text="none of these")

    with CaptureQueriesContext(connection) as queries:
        answers = [run(ann if n % 2 else bob) for n in range(6)]
    assert answers == [["for bob"], ["50% off, for ann"]] * 3
    statements = [q["sql"] for q in queries.captured_queries]
    assert sum(sql.startswith("PREPARE cq_") for sql in statements) == 1
    assert sum(sql.startswith("EXECUTE cq_") for sql in statements) == 4
    # The values are never in the statement: "$1"… there, each caller's own with each EXECUTE.
    assert "none of these" not in next(sql for sql in statements if sql.startswith("PREPARE"))

    connection.close()
    with CaptureQueriesContext(connection) as queries:
        assert [run(ann) for _ in range(3)] == [["50% off, for ann"]] * 3
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["SELECT", "SELECT", "PREPARE", "EXECUTE"]

    from django.db import transaction

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert run(bob) == ["for bob"]
    assert queries.captured_queries[0]["sql"].startswith("SELECT")


def test_djangos_placeholders_become_postgresqls():
    assert prepared._placeholders('SELECT %s, \'50%%\' WHERE a = %s') == "SELECT $1, '50%' WHERE a = $2"
    assert prepared._placeholders("SELECT 1") == "SELECT 1"
    assert prepared._placeholders("SELECT %d") is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_district_never_prepares_a_statement(settings):
    """A prepared statement keeps the tables of the schema it was prepared in; a district's
    connection serves one school after another, so it runs the kept SQL plain every time."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's PREPARE")
    settings.PREPARED_STATEMENTS = True
    settings.DISTRICT = True
    ann = UserFactory(username="ann")

    def build(user):
        return User.objects.filter(pk=user.pk).values_list("username", flat=True)

    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert prepared.rows("t.district", build, user=ann) == ["ann"]
    assert all(q["sql"].startswith("SELECT") for q in queries.captured_queries)
