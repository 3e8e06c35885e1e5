"""The campaigns rows of the access matrix, run on their own (the project-wide test runs them too)."""

from __future__ import annotations

import pytest

from campaigns.tests.access import routes
from counseling.tests.access import ROLES


@pytest.mark.django_db
def test_every_campaigns_route_gives_each_role_the_expected_status(cast, client_for) -> None:
    table = routes(cast, {})
    clients = {role: client_for(getattr(cast, role)) for role in ROLES}
    mismatches = []
    for name, route in sorted(table.items()):
        for role in ROLES:
            response = getattr(clients[role], route.method)(route.url, route.data)
            if response.status_code != route.expect[role]:
                mismatches.append(f"{name} as {role}: got {response.status_code}, expected {route.expect[role]}")
    assert not mismatches, "\n".join(mismatches)


@pytest.mark.django_db
def test_every_campaigns_url_has_a_row(cast) -> None:
    from django.urls import get_resolver

    resolver = get_resolver()
    names = {
        f"campaigns:{name}" for name in resolver.namespace_dict["campaigns"][1].reverse_dict if isinstance(name, str)
    }
    assert names == set(routes(cast, {}))
