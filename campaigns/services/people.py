"""Choosing people for campaign roles (organisers, judges, task owners) by permission, not by role name."""

from __future__ import annotations

import rules
from django.db.models import QuerySet

from counseling.enums import Role
from counseling.models import User


def roles_with_perm(perm: str) -> list[str]:
    """The roles whose members hold ``perm`` according to counseling.roles (asked, not hard-coded)."""
    return [role for role in Role if rules.has_perm(perm, User(role=role, is_active=True))]


def users_with_perm(perm: str) -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=roles_with_perm(perm)).order_by("name", "username")
