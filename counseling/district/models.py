"""The schools of a district and the addresses they are reached at.

A school is a django-tenants tenant: its ``schema_name`` names the PostgreSQL schema that holds all
of its rows, and a request is served in that schema when its host is one of the school's domains.
Nothing of one school is reachable from another's schema: the tables are not shared.
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

# A schema name is an SQL identifier we choose: lowercase letters, digits and underscores, starting
# with a letter, never "public" or a PostgreSQL prefix (django-tenants refuses "pg_").
schema_name_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{1,39}$",
    _("Use 2–40 lowercase letters, digits or underscores, starting with a letter."),
)


class School(TenantMixin):
    """One school of the district; its rows live in the PostgreSQL schema ``schema_name``."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Creating a school creates its schema and migrates it; deleting one never drops it (an
    # operator does that by hand, after the retention rules allow it).
    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return self.name


class Domain(DomainMixin):
    """A host name a school is served at (``domain``), e.g. ``no1.district.example``."""

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self) -> str:
        return self.domain
from counseling.district.models_stats import *  # noqa: E402, F403
