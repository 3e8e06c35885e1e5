"""Every URL pattern of the project, requested as every role, gives the expected status."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from counseling.tests.access import ROLES

# Django's own admin has its own permission system (staff + model permissions) and is checked
# separately in test_admin_access.
EXCLUDED_NAMESPACES = {"admin"}
ROUTE_MODULES = {
    "counseling": "counseling.tests.access_routes",
    "counseling.cases": "counseling.cases.tests.access",
    "appointments": "appointments.tests.access",
    "archives": "archives.tests.access",
    "campaigns": "campaigns.tests.access",
    "counseling.reports": "counseling.reports.tests.access",
    "counseling.schoolyear": "counseling.schoolyear.tests.access",
}


def project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                if ns in EXCLUDED_NAMESPACES:
                    continue
                full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
                walk(pattern.url_patterns, full)
            elif isinstance(pattern, URLPattern):
                if pattern.name is None:
                    raise AssertionError(f"URL pattern {pattern.pattern} has no name")
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def all_routes(cast) -> dict:
    world: dict = {}
    routes: dict = {}
    for app in settings.LOCAL_APPS:
        try:
            module = import_module(ROUTE_MODULES[app])
        except ModuleNotFoundError as exc:
            if exc.name != ROUTE_MODULES[app]:
                raise
            continue
        routes.update(module.routes(cast, world))
    return routes


@pytest.mark.django_db
def test_every_url_pattern_is_in_the_matrix(cast) -> None:
    routes = all_routes(cast)
    missing = project_url_names() - set(routes)
    assert not missing, f"URL patterns without a row in the access matrix: {sorted(missing)}"
    stale = set(routes) - project_url_names()
    assert not stale, f"Access matrix rows for URL names that do not exist: {sorted(stale)}"


@pytest.mark.django_db
def test_every_role_gets_the_expected_status(cast, client_for) -> None:
    routes = all_routes(cast)
    clients = {role: client_for(getattr(cast, role)) for role in ROLES}
    mismatches = []
    for name, route in sorted(routes.items()):
        for role in ROLES:
            response = getattr(clients[role], route.method)(route.url, route.data)
            wanted = route.expect[role]
            if response.status_code != wanted:
                mismatches.append(f"{name} as {role}: got {response.status_code}, expected {wanted}")
    assert not mismatches, "\n".join(mismatches)
