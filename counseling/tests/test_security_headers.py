"""Every response carries the security headers; production settings add HSTS.

Every URL pattern of the project (the access matrix's rows) is requested once as a role that may
see it and once anonymously, so pages, redirects to the sign-in page, 403s, 404s, 405s,
downloads and the health page are all covered.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from counseling.tests.access import ROLES
from counseling.tests.test_access_matrix import all_routes

ROOT = Path(__file__).resolve().parents[2]


def header_problems(response) -> list[str]:
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    if "default-src 'self'" not in csp or "frame-ancestors 'none'" not in csp or "object-src 'none'" not in csp:
        problems.append(f"Content-Security-Policy is {csp!r}")
    if response.headers.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options is {response.headers.get('X-Frame-Options')!r}")
    if response.headers.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy is {response.headers.get('Referrer-Policy')!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options is {response.headers.get('X-Content-Type-Options')!r}")
    return problems


@pytest.mark.django_db
def test_every_route_answers_with_the_security_headers(cast, client_for):
    failures = []
    seen_statuses = set()
    for name, route in sorted(all_routes(cast).items()):
        allowed = [role for role in ROLES if 200 <= route.expect[role] < 400 and role != "anonymous"]
        for role in {allowed[0] if allowed else "student", "anonymous"}:
            client = client_for(getattr(cast, role))
            response = getattr(client, route.method)(route.url, route.data)
            seen_statuses.add(response.status_code)
            failures += [f"{name} as {role} ({response.status_code}): {p}" for p in header_problems(response)]
    assert not failures, "\n".join(failures)
    # The sweep really met the kinds of answers it claims to cover.
    assert {200, 302, 403} <= seen_statuses


@pytest.mark.django_db
def test_error_pages_carry_the_headers(client_for, student):
    client = client_for(student)
    for response in (client.get("/no-such-page/"), client.get("/directory/roster/"), client.post("/health/")):
        assert header_problems(response) == [], response.status_code


PRODUCTION_PROBE = """
import json
from django.test import Client
# The home page answers with a redirect to the sign-in page: no template, so no collected static files.
response = Client().get("/", secure=True, headers={"host": "counseling.school.example"})
plain = Client().get("/", headers={"host": "counseling.school.example"})
print(json.dumps({"status": response.status_code, "hsts": response.headers.get("Strict-Transport-Security"),
                  "plain_status": plain.status_code, "plain_location": plain.headers.get("Location"),
                  "csp": response.headers.get("Content-Security-Policy"), "xfo": response.headers.get("X-Frame-Options")}))
"""


def test_production_settings_send_hsts_and_redirect_to_https(tmp_path):
    """With the production environment (DEBUG off and nothing overridden) the site is HTTPS only."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SECURE_", "SESSION_", "CSRF_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="counseling.settings",
        DEBUG="0",
        SECRET_KEY="production-probe-" + "x" * 50,
        ALLOWED_HOSTS="counseling.school.example",
        FIELD_ENCRYPTION_KEYS="qZAI-FbmNmH1FfeH5EZSMnrMdrRuuYoiccpTMWx0qSY=",
        DATABASE_URL=f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    env.pop("REQUIRE_STAFF_2FA", None)
    code = "import django; django.setup()\n" + PRODUCTION_PROBE
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert result["xfo"] == "DENY"
    assert "frame-ancestors 'none'" in result["csp"]
    assert result["status"] == 302
    assert result["plain_status"] == 301
    assert result["plain_location"] == "https://counseling.school.example/"
