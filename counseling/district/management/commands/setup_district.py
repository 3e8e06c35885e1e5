"""Prepare a district installation's shared schema: the district office's own site and first officer.

``manage.py setup_district district.example --officer dist1 --officer-name "教育局德育科"`` makes the
shared schema's row (django-tenants' "public" tenant) at the district's host name, and the first
district officer, printing their one-time set-password link. Run once, after ``migrate_schemas --shared``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from counseling.district.models import Domain, School
from counseling.enums import Role
from counseling.services import staff, staff_requests


class Command(BaseCommand):
    help = "Make the district's own site (the shared schema) at a host name, with its first officer."

    def add_arguments(self, parser) -> None:
        parser.add_argument("domain")
        parser.add_argument("--name", default="District office")
        parser.add_argument("--officer", required=True)
        parser.add_argument("--officer-name", required=True)
        parser.add_argument("--password", default=None, help="For demos and drills only; otherwise a one-time link is printed.")
        parser.add_argument("--scheme", default="https")

    def handle(self, *args, **options) -> None:
        if not getattr(settings, "DISTRICT", False):
            raise CommandError("setup_district needs a district installation (DISTRICT=1).")
        with transaction.atomic():
            district, _created = School.objects.get_or_create(schema_name="public", defaults={"name": options["name"]})
            Domain.objects.get_or_create(domain=options["domain"].lower(), defaults={"tenant": district, "is_primary": True})
            officer = staff.bootstrap_account(
                username=options["officer"], name=options["officer_name"], role=Role.DISTRICT, password=options["password"]
            )
        self.stdout.write(f"District site at {options['domain']}; officer {officer.username}.")
        if options["password"] is None:
            self.stdout.write(f"One-time link: {options['scheme']}://{options['domain']}{staff_requests.set_password_link(officer)}")
