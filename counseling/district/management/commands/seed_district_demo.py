"""A demo district on the local PostgreSQL: the district office and two demo schools.

``DISTRICT=1 DEBUG=1 DATABASE_URL=postgres://… manage.py seed_district_demo`` (after
``migrate_schemas --shared``) makes the district's site at ``district.localhost``, the officer
``dist1`` and two schools, ``no1.localhost`` and ``no2.localhost``, each the demo school of
``seed_demo`` (the same demo sign-ins in each, walled off from each other), a published district
campaign and a district screening. Browsers send ``*.localhost`` to this machine. Idempotent;
refuses with DEBUG off.
"""

from __future__ import annotations

import datetime
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_tenants.utils import schema_context

from counseling.district.models import Domain, School
from counseling.district.models_campaigns import DistrictCampaign, DistrictCampaignStatus, Material
from counseling.district.models_stats import ScreeningTemplate
from counseling.district.services.schools import add_school
from counseling.enums import Role
from counseling.models import User
from counseling.services import staff

PASSWORD = "demo-pass-2026"  # noqa: S105 — the demo's published password, as seed_demo's
SCHOOLS = (("no1", "第一中学"), ("no2", "第二中学"))


class Command(BaseCommand):
    help = "Build a demo district (DEBUG only): the district office and two demo schools on *.localhost."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--domain", default="localhost", help="The parent host name (default: localhost).")

    def handle(self, *args, domain: str = "localhost", **options) -> None:
        if not getattr(settings, "DISTRICT", False):
            raise CommandError("seed_district_demo needs DISTRICT=1 (and PostgreSQL).")
        if not settings.DEBUG:
            raise CommandError("DEBUG is off: this looks like a real district.")
        district, _created = School.objects.get_or_create(schema_name="public", defaults={"name": "区教育局德育科"})
        Domain.objects.get_or_create(domain=f"district.{domain}", defaults={"tenant": district, "is_primary": True})
        officer = User.objects.filter(username="dist1").first() or staff.bootstrap_account(
            username="dist1", name="区教育局德育科", role=Role.DISTRICT, password=PASSWORD
        )
        for schema, name in SCHOOLS:
            if not School.objects.filter(schema_name=schema).exists():
                add_school(
                    name=name, schema_name=schema, domain=f"{schema}.{domain}", admin_username="district-admin", admin_name="管理员"
                )
            with schema_context(schema):
                call_command("seed_demo", stdout=StringIO())
        today = timezone.localdate()
        if not DistrictCampaign.objects.exists():
            DistrictCampaign.objects.create(
                title="“5·25”心理健康宣传周",
                theme="阳光心态，健康成长",
                start_date=today + datetime.timedelta(days=14),
                end_date=today + datetime.timedelta(days=20),
                description="各校围绕主题开展宣传周活动，活动结束一周内将活动总结、照片报送区德育科。",
                materials=list(Material.values),
                status=DistrictCampaignStatus.PUBLISHED,
                created_by=officer,
                published_at=timezone.now(),
            )
        if not ScreeningTemplate.objects.exists():
            ScreeningTemplate.objects.create(
                title="全区学生心理健康筛查（秋季）",
                instrument_code="phq9",
                opens_on=today + datetime.timedelta(days=7),
                closes_on=today + datetime.timedelta(days=21),
                grade_levels=[1, 2, 3],
                created_by=officer,
            )
        self.stdout.write(
            f"Demo district ready: http://district.{domain}:8000/ (dist1), "
            + ", ".join(f"http://{schema}.{domain}:8000/" for schema, _name in SCHOOLS)
            + f" (the demo sign-ins of seed_demo); password {PASSWORD}."
        )
