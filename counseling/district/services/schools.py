"""Adding a school to the district: its schema, its address and its first administrator.

Side effects of ``add_school``, in order: inserts the school (django-tenants creates its schema and
runs every migration in it, which takes seconds), its domain, then — inside the new school's
schema — its first administrator without a password (audited there as "system"), and an audit entry
in the district's own trail. Returns the school and the administrator's one-time set-password link
(a path on the school's host), shown once to the district officer who hands it over.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from counseling.district.models import Domain, School
from counseling.enums import Role
from counseling.models import User
from counseling.models.audit import AuditAction
from counseling.services import staff, staff_requests
from counseling.services.audit import record
from counseling.services.staff_requests import RequestError


@dataclass(frozen=True)
class NewSchool:
    school: School
    domain: str
    admin_username: str
    set_password_path: str


def add_school(
    *, name: str, schema_name: str, domain: str, admin_username: str, admin_name: str, admin_email: str = "", by=None, request=None
) -> NewSchool:
    school = School(schema_name=schema_name, name=name)
    school.save(verbosity=0)
    Domain.objects.create(domain=domain, tenant=school, is_primary=True)
    with schema_context(schema_name), transaction.atomic():
        admin = staff.bootstrap_account(username=admin_username, name=admin_name, role=Role.ADMINISTRATOR, email=admin_email)
        link = staff_requests.set_password_link(admin)
    record(by, AuditAction.CREATE, school, request=request, detail=f"school {schema_name}, administrator {admin_username}")
    return NewSchool(school=school, domain=domain, admin_username=admin_username, set_password_path=link)


@dataclass(frozen=True)
class Administrator:
    pk: int
    username: str
    name: str
    is_active: bool
    last_login: object


def administrators(school: School) -> list[Administrator]:
    """The school's administrators (read in its schema): who the district office may help sign in."""
    with schema_context(school.schema_name):
        return [
            Administrator(user.pk, user.username, user.name, user.is_active, user.last_login)
            for user in User.objects.filter(role=Role.ADMINISTRATOR).order_by("-is_active", "name", "username")
        ]


def add_administrator(school: School, *, username: str, name: str, email: str = "", by, request=None) -> str:
    """Another administrator for ``school`` (its first left, or lost their password and the school has
    no other). Side effects: the account in the school's schema, without a password, audited there
    as created by the district office; an entry in the district's trail. Returns the one-time
    set-password link (a path on the school's host)."""
    with schema_context(school.schema_name), transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise RequestError(_("The user name %(username)s is taken.") % {"username": username})
        admin = User(username=username, name=name, email=email, role=Role.ADMINISTRATOR, is_active=True)
        admin.set_unusable_password()
        admin.save()
        record(None, AuditAction.CREATE, admin, detail=f"administrator, created by the district office ({by.get_username()})")
        link = staff_requests.set_password_link(admin)
    record(by, AuditAction.CREATE, school, request=request, detail=f"administrator {username} of {school.schema_name}")
    return link


def administrator_link(school: School, user_id: int, *, by, request=None) -> tuple[str, str]:
    """A new one-time set-password link for an active administrator of ``school`` (404 for anyone
    else: the district office helps administrators only). Side effects: an audit entry in the
    school's trail and one in the district's. Returns (username, link)."""
    with schema_context(school.schema_name):
        admin = get_object_or_404(User, pk=user_id, role=Role.ADMINISTRATOR, is_active=True)
        record(None, AuditAction.CHANGE, admin, detail=f"set-password link issued by the district office ({by.get_username()})")
        link = staff_requests.set_password_link(admin)
    record(by, AuditAction.CHANGE, school, request=request, detail=f"set-password link for administrator {admin.username}")
    return admin.username, link


def schools() -> list[School]:
    """The district's schools (not the district's own shared schema), by name, with their domains."""
    return list(School.objects.exclude(schema_name="public").prefetch_related("domains").order_by("name"))
