from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from counseling.decorators import require_perm
from counseling.services.health import run_checks


@require_perm("counseling.view_health")
def health(request: HttpRequest) -> HttpResponse:
    """For staff: is everything that runs in the background alive? 503 when something is not."""
    checks = run_checks()
    healthy = all(check.ok for check in checks)
    warnings = any(check.warn for check in checks)
    return render(
        request,
        "counseling/health.html",
        {"checks": checks, "healthy": healthy, "warnings": warnings},
        status=200 if healthy else 503,
    )
