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
from django_tenants.utils import schema_context

from counseling.district.models import Domain, School
from counseling.enums import Role
from counseling.models.audit import AuditAction
from counseling.services import staff, staff_requests
from counseling.services.audit import record


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


def schools() -> list[School]:
    """The district's schools (not the district's own shared schema), by name, with their domains."""
    return list(School.objects.exclude(schema_name="public").prefetch_related("domains").order_by("name"))
