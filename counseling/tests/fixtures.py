"""The standard cast, loaded as a pytest plugin (see pytest.ini) so every app's tests share it.

student and other_student are in different classes; guardian is the student's mother,
other_guardian the other student's father; class_teacher teaches the student's class,
other_teacher the other one. counselor is the student's counselor where a case or an
appointment needs one; other_counselor is a colleague.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from counseling.enums import Role
from counseling.hooks import forget_menus


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache (the menu is cached per user id, and ids repeat)."""
    cache.clear()
    forget_menus()
    yield
    cache.clear()
    forget_menus()


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    """Every test starts with no text messages in the locmem SMS backend's outbox (like mail.outbox)."""
    from counseling.services import sms

    sms.outbox.clear()
    yield
    sms.outbox.clear()


_anchor_dirs = itertools.count()


@pytest.fixture(autouse=True)
def _own_audit_anchors(tmp_path_factory, monkeypatch):
    """Every test anchors the audit chain in a directory of its own (its database starts empty),
    never in var/; the directory is only named here, created when a test writes an anchor."""
    base = tmp_path_factory.getbasetemp() / "audit-anchors"
    monkeypatch.setattr(settings, "AUDIT_ANCHOR_DIR", base / str(next(_anchor_dirs)))


@pytest.fixture
def term(db):
    from counseling.tests.factories import TermFactory

    return TermFactory()


@pytest.fixture
def grade(term):
    from counseling.tests.factories import GradeFactory

    return GradeFactory(level=1, name="七年级")


@pytest.fixture
def class_teacher(db):
    from counseling.tests.factories import UserFactory

    return UserFactory(username="teacher", name="王老师", role=Role.CLASS_TEACHER)


@pytest.fixture
def other_teacher(db):
    from counseling.tests.factories import UserFactory

    return UserFactory(username="otherteacher", name="李老师", role=Role.CLASS_TEACHER)


@pytest.fixture
def school_class(grade, class_teacher):
    from counseling.tests.factories import SchoolClassFactory

    return SchoolClassFactory(grade=grade, number=1, class_teacher=class_teacher)


@pytest.fixture
def other_class(grade, other_teacher):
    from counseling.tests.factories import SchoolClassFactory

    return SchoolClassFactory(grade=grade, number=2, class_teacher=other_teacher)


@pytest.fixture
def student(term, school_class):
    from counseling.tests.factories import make_student

    return make_student("student", school_class, student_number="20250001")


@pytest.fixture
def other_student(term, other_class):
    from counseling.tests.factories import make_student

    return make_student("otherstudent", other_class, student_number="20250002")


@pytest.fixture
def guardian(student):
    """The student's mother, signed in by her phone number."""
    from counseling.tests.factories import make_guardian

    return make_guardian("13800000001", student, name="张妈妈")


@pytest.fixture
def other_guardian(other_student):
    """The other student's father: he must see nothing of ``student``."""
    from counseling.tests.factories import make_guardian

    return make_guardian("13800000002", other_student, name="李爸爸", relation="father")


def _staff(username: str, name: str, role: Role):
    from counseling.tests.factories import UserFactory

    return UserFactory(username=username, name=name, role=role)


@pytest.fixture
def counselor(db):
    return _staff("counselor", "张老师", Role.COUNSELOR)


@pytest.fixture
def other_counselor(db):
    return _staff("othercounselor", "赵老师", Role.COUNSELOR)


@pytest.fixture
def head(db):
    return _staff("head", "陈主任", Role.HEAD_COUNSELOR)


@pytest.fixture
def leader(db):
    return _staff("leader", "刘校长", Role.LEADER)


@pytest.fixture
def administrator(db):
    return _staff("administrator", "周干事", Role.ADMINISTRATOR)


@pytest.fixture
def cast(
    student,
    other_student,
    guardian,
    other_guardian,
    class_teacher,
    other_teacher,
    counselor,
    other_counselor,
    head,
    leader,
    administrator,
):
    """Everybody at once, by the names the access matrix uses."""
    return SimpleNamespace(
        anonymous=None,
        student=student,
        other_student=other_student,
        guardian=guardian,
        other_guardian=other_guardian,
        class_teacher=class_teacher,
        other_teacher=other_teacher,
        counselor=counselor,
        other_counselor=other_counselor,
        head=head,
        leader=leader,
        administrator=administrator,
    )


@pytest.fixture
def client_for(db):
    """``client_for(user)``: a test client signed in as ``user`` (anonymous for None)."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="counseling.backends.PasswordBackend")
        return client

    return make
