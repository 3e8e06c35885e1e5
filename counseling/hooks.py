"""How each app adds to the shared layout: navigation entries and home-page panels.

Each app in settings.LOCAL_APPS may have a ``nav.py`` with ``ITEMS: list[NavItem]`` and a
``home.py`` with ``panels(request) -> list[Panel]``. The navigation shows an item when the user
holds its permission (from counseling.roles); a panel decides itself what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.cache import cache as django_cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language

# The menu is rebuilt at most once a minute per user and language: a role change shows in the
# menu within a minute (the pages themselves check permissions on every request).
NAV_CACHE_SECONDS = 60


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


def app_module(app: str, name: str):
    """``<app>.<name>`` if the app has that module, else None (the hook is optional)."""
    try:
        return import_module(f"{app}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.{name}":
            raise
        return None


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
    for app in sorted(settings.LOCAL_APPS, key=lambda name: NAV_ORDER.index(name) if name in NAV_ORDER else 50):
        module = app_module(app, "nav")
        if module is not None and module.ITEMS:
            groups.append((app, tuple(sorted(module.ITEMS, key=lambda item: item.order))))
    return tuple(groups)


def nav_items(user) -> list[dict]:
    """The navigation this user may use: a group per app, holding the items whose permission they have."""
    key = f"nav:{user.pk}:{user.role}:{user.is_active}:{get_language()}"
    result = django_cache.get(key)
    if result is None:
        result = _nav_items(user)
        django_cache.set(key, result, NAV_CACHE_SECONDS)
    return result


def _nav_items(user) -> list[dict]:
    result = []
    for app, items in _nav_groups():
        visible = [
            {"label": str(item.label), "url": reverse(item.url_name), "url_name": item.url_name}
            for item in items
            if user.has_perm(item.perm)
        ]
        if visible:
            config = next(config for config in apps.get_app_configs() if config.name == app)
            result.append({"label": str(config.verbose_name), "items": visible})
    return result


def home_panels(request: HttpRequest) -> list[Panel]:
    panels: list[Panel] = []
    for app in settings.LOCAL_APPS:
        module = app_module(app, "home")
        if module is not None:
            panels.extend(module.panels(request))
    return sorted(panels, key=lambda panel: panel.order)
