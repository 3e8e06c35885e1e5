"""How each app adds to the shared layout: navigation entries and home-page panels.

Each app in settings.LOCAL_APPS may have a ``nav.py`` with ``ITEMS: list[NavItem]`` and a
``home.py`` with ``panels(request) -> list[Panel]``. The navigation shows an item when the user
holds its permission (from counseling.roles); a panel decides itself what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


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


def _app_module(app: str, name: str):
    try:
        return import_module(f"{app}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.{name}":
            raise
        return None


@cache
def _all_nav_items() -> tuple[NavItem, ...]:
    items: list[NavItem] = []
    for app in settings.LOCAL_APPS:
        module = _app_module(app, "nav")
        if module is not None:
            items.extend(module.ITEMS)
    return tuple(sorted(items, key=lambda item: item.order))


def nav_items(user) -> list[dict]:
    return [
        {"label": item.label, "url": reverse(item.url_name), "url_name": item.url_name}
        for item in _all_nav_items()
        if user.has_perm(item.perm)
    ]


def home_panels(request: HttpRequest) -> list[Panel]:
    panels: list[Panel] = []
    for app in settings.LOCAL_APPS:
        module = _app_module(app, "home")
        if module is not None:
            panels.extend(module.panels(request))
    return sorted(panels, key=lambda panel: panel.order)
