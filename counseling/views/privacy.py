"""Two public pages anyone may read, signed in or not: help right now, and what stays private.

The help page is where the "need help right now?" link of every student page leads (no script:
a plain page the content-security policy allows). The privacy page says honestly what the office
keeps to itself and when it must tell someone; the footer of every page links to it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def help_page(request: HttpRequest) -> HttpResponse:
    """The help lines (the school's own first, then the national ones) as tap-to-call links."""
    return render(request, "counseling/help.html")


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    """What stays private, and when the office must tell someone (who, and what never)."""
    return render(request, "counseling/privacy.html")
