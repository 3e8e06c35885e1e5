"""The hooks: how an app adds to what the ground and the upper layers assemble.

An app never imports the layer that assembles its contribution; it offers an optional module
with a known name, and that layer finds it here. ``HOOKS`` lists every hook module, what it must
define, and who reads it; docs/architecture.md is the longer account, with the layers and the few
cross-app calls that are allowed. ``app_hooks(name)`` is the one way to find them.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language

# name -> what the module defines (and who reads it).
HOOKS: dict[str, str] = {
    "nav": "ITEMS: list[NavItem] - menu entries; shown to users holding each item's permission (hooks.nav_items)",
    "home": "panels(request) -> list[Panel] - home-page panels (hooks.home_panels)",
    "digest": "items_for(user, day) -> list[str]; optional week_numbers(start, end) -> dict[str, int] (counseling.services.digest)",
    "health": "checks() -> list[Check] - rows of the staff health page (counseling.services.health)",
    "responsibility": "ORDER: int; responsible_for(student, day) -> User | None (roles.responsible_counselor)",
    "demo": "seed(ctx) - idempotent demo records (manage.py seed_demo)",
    "reporting": "summary(start, end) -> dict; section(current, previous | None) -> Section (counseling.reports)",
    "retention": "KINDS: list[RetentionKind] - what may be removed after a period (counseling.schoolyear)",
    "export": "export_student(student) -> dict[str, bytes | str] and friends (counseling.schoolyear)",
    "graduation": "open_at_graduation(students) -> list[OpenAtGraduation] - work still open for graduates (counseling.schoolyear)",
}


def app_module(app: str, name: str) -> ModuleType | None:
    """``<app>.<name>`` if the app has that hook module, else None (every hook is optional)."""
    if name not in HOOKS:
        raise ValueError(f"{name!r} is not a hook; the hooks are {sorted(HOOKS)}")
    try:
        return import_module(f"{app}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.{name}":
            raise
        return None


def app_hooks(name: str) -> list[tuple[str, ModuleType]]:
    """``(app, module)`` for every app in settings.LOCAL_APPS that has the hook ``name``, in that order."""
    found = []
    for app in settings.LOCAL_APPS:
        module = app_module(app, name)
        if module is not None:
            found.append((app, module))
    return found


def _no_student(obj: models.Model) -> int | None:
    return None


def _no_detail(obj: models.Model) -> str:
    return ""


def _by_pk(obj: models.Model) -> str:
    return f"#{obj.pk}"


@dataclass(frozen=True)
class RetentionKind:
    """One kind of record an app lets the retention runner remove (the ``retention`` hook).

    ``expired(cutoff)`` returns the records whose event happened before ``cutoff`` and that are
    still to be removed: a record already anonymised must not be returned again, so a second run
    finds nothing. ``remove(obj)`` removes or anonymises ONE record, inside the transaction that
    also writes the runner's audit entry. Rows that feed the semester numbers (sessions, cases,
    letters, screening results) are anonymised rather than deleted, so recounting a past term
    gives the same numbers.
    """

    key: str  # unique, stored in RetentionPolicy.kind, e.g. "cases.session_note"
    label: str
    event: str  # what the period counts from, e.g. "case closed"
    default_months: int | None  # None: kept until the head counselor sets a period
    remove: Callable[[models.Model], object]
    # The records whose event happened before the cutoff; or, for a period that counts from the
    # student's graduation (which only the school-year layer knows), ``after_graduation`` gets the
    # ids of the students who graduated before the cutoff and returns their records.
    expired: Callable[[datetime.datetime], models.QuerySet] | None = None
    after_graduation: Callable[[models.QuerySet], models.QuerySet] | None = None
    # The student the audit entry of a removal is about.
    student_id: Callable[[models.Model], int | None] = _no_student
    # A short, non-confidential note for the audit entry of each removal.
    detail: Callable[[models.Model], str] = _no_detail
    # One non-confidential line per record for the dry run (ids and dates, never content).
    describe: Callable[[models.Model], str] = _by_pk
    # Deleted or anonymised: what the settings page says will happen.
    anonymises: bool = False


@dataclass(frozen=True)
class OpenAtGraduation:
    """Work an app still has open for students about to graduate, counted per person who holds it.

    The new-year wizard shows these before it applies. It is read by the administrator, so it
    carries counts and the holder's name only: never a student's name next to what is open.
    """

    label: str  # e.g. "open cases"
    holder: str  # the person who holds the work, e.g. the case's counselor
    count: int


# The menu is rebuilt at most once a minute per user and language: a role change shows in the
# menu at once (the role is part of the key), other permission changes within a minute (the pages
# themselves check permissions on every request).
NAV_CACHE_SECONDS = 60
# Menus are kept in each process's memory (they hold only labels and addresses): a shared cache
# would cost a round trip on every page. At most this many, the oldest dropped first.
NAV_CACHE_SIZE = 4096
_menus: dict[str, tuple[float, list[dict]]] = {}


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    perm: str
    order: int = 100


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


# The order of the groups in the navigation bar: the daily work first, the office's tools last.
NAV_ORDER = [
    "appointments",
    "counseling.cases",
    "archives",
    "campaigns",
    "counseling.reports",
    "counseling.schoolyear",
    "counseling",
]


@cache
def _nav_groups() -> tuple[tuple[str, tuple[NavItem, ...]], ...]:
    """Each app's items, in app order; the group is named after the app."""
    groups = []
    for app, module in sorted(
        app_hooks("nav"), key=lambda pair: NAV_ORDER.index(pair[0]) if pair[0] in NAV_ORDER else 50
    ):
        if module.ITEMS:
            groups.append((app, tuple(sorted(module.ITEMS, key=lambda item: item.order))))
    return tuple(groups)


def nav_items(user) -> list[dict]:
    """The navigation this user may use: a group per app, holding the items whose permission they have."""
    # The schema first: in a district, two schools' users may share an id.
    key = f"{getattr(connection, 'schema_name', '')}:{user.pk}:{user.role}:{user.is_active}:{get_language()}"
    now = time.time()
    kept = _menus.get(key)
    if kept is not None and kept[0] > now:
        return kept[1]
    result = _nav_items(user)
    _menus.pop(key, None)
    while len(_menus) >= NAV_CACHE_SIZE:
        del _menus[next(iter(_menus))]
    _menus[key] = (now + NAV_CACHE_SECONDS, result)
    return result


def forget_menus() -> None:
    """This process rebuilds every menu on its next use (tests: user ids repeat between tests)."""
    _menus.clear()


def _reverse_or_none(url_name: str) -> str | None:
    # A district's own site (its URLconf) has none of a school's pages: their items are left out
    # there, even for a permission every signed-in person holds (filing a complaint).
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


def _nav_items(user) -> list[dict]:
    result = []
    for app, items in _nav_groups():
        visible = [
            {"label": str(item.label), "url": url, "url_name": item.url_name}
            for item in items
            if user.has_perm(item.perm) and (url := _reverse_or_none(item.url_name)) is not None
        ]
        if visible:
            config = next(config for config in apps.get_app_configs() if config.name == app)
            result.append({"label": str(config.verbose_name), "items": visible})
    return result


def home_panels(request: HttpRequest) -> list[Panel]:
    panels: list[Panel] = []
    for _app, module in app_hooks("home"):
        panels.extend(module.panels(request))
    return sorted(panels, key=lambda panel: panel.order)
