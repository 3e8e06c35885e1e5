"""The case records' own rows of the authorization matrix, checked on their own.

counseling/tests/test_access_matrix.py checks every app's rows together; this runs ours alone so
a failure elsewhere never hides one here, and checks that every cases URL has a row.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from counseling.cases.tests.access import routes
from counseling.tests.access import ROLES


def cases_url_names() -> set[str]:
    resolver = get_resolver()
    namespace = resolver.namespace_dict["cases"][1]
    return {f"cases:{pattern.name}" for pattern in namespace.url_patterns}


@pytest.mark.django_db
def test_every_cases_url_has_a_row(cast) -> None:
    assert set(routes(cast, {})) == cases_url_names()


@pytest.mark.django_db
def test_every_role_gets_the_expected_status_on_every_cases_url(cast, client_for) -> None:
    rows = routes(cast, {})
    clients = {role: client_for(getattr(cast, role)) for role in ROLES}
    mismatches = []
    for name, route in sorted(rows.items()):
        for role in ROLES:
            response = getattr(clients[role], route.method)(route.url, route.data)
            if response.status_code != route.expect[role]:
                mismatches.append(f"{name} as {role}: got {response.status_code}, expected {route.expect[role]}")
    assert not mismatches, "\n".join(mismatches)
