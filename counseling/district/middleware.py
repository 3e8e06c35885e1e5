"""Which school a request is for, by its host name (django-tenants' middleware, remembered).

django-tenants looks the host name up in the shared schema on every request (one query, and the
schema switched to the shared one and back). A school's host names change rarely (the district
adds a school or an address), so each process remembers the answer for a minute: a school's page
then costs one statement more than in a one-school install (setting its schema), not three. An
unknown host is never remembered (it is looked up, and answered 404, every time), and what is
remembered is only which schema a host name means — no row of any school.
"""

from __future__ import annotations

import time

from django_tenants.middleware.main import TenantMainMiddleware

REMEMBER_SECONDS = 60
# Host names are the district's own domain rows, so this stays small; the bound is a safety net.
REMEMBER_AT_MOST = 10_000
_known: dict[str, tuple[float, object]] = {}


class SchoolByHostMiddleware(TenantMainMiddleware):
    def get_tenant(self, domain_model, hostname):
        now = time.monotonic()
        kept = _known.get(hostname)
        if kept is not None and kept[0] > now:
            return kept[1]
        tenant = super().get_tenant(domain_model, hostname)
        if len(_known) >= REMEMBER_AT_MOST:
            _known.clear()
        _known[hostname] = (now + REMEMBER_SECONDS, tenant)
        return tenant


def forget_hosts() -> None:
    """Every process looks host names up again (tests; a process that changed a school's domains)."""
    _known.clear()
