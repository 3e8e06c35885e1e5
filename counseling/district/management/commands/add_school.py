"""Add a school to a district installation from the server's command line.

``manage.py add_school no1 "第一中学" no1.district.example --admin admin1 --admin-name "王老师"``
makes the school's schema (every migration run in it), its host name and its first administrator,
and prints the administrator's one-time set-password link. The district office does the same from
its own site ("Add a school").
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from counseling.district.forms import SchoolForm
from counseling.district.services.schools import add_school


class Command(BaseCommand):
    help = "Add a school to the district: its schema, its host name and its first administrator (prints a one-time link)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("schema_name")
        parser.add_argument("name")
        parser.add_argument("domain")
        parser.add_argument("--admin", dest="admin_username", required=True)
        parser.add_argument("--admin-name", dest="admin_name", required=True)
        parser.add_argument("--admin-email", dest="admin_email", default="")
        parser.add_argument("--scheme", default="https")

    def handle(self, *args, **options) -> None:
        if not getattr(settings, "DISTRICT", False):
            raise CommandError("add_school needs a district installation (DISTRICT=1).")
        form = SchoolForm(
            {key: options[key] for key in ("schema_name", "name", "domain", "admin_username", "admin_name", "admin_email")}
        )
        if not form.is_valid():
            raise CommandError("; ".join(f"{field}: {' '.join(errors)}" for field, errors in form.errors.items()))
        new = add_school(**form.cleaned_data)
        self.stdout.write(f"School {new.school.name} ({new.school.schema_name}) at {new.domain}.")
        self.stdout.write(f"One-time link for {new.admin_username}: {options['scheme']}://{new.domain}{new.set_password_path}")
