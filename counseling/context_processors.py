from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from counseling.hooks import nav_items
from counseling.roles import is_student
from counseling.rows import fixed_address
from counseling.services.signedin import unread_count

# The lines every student can call whatever the school adds (docs: DOMAIN.md, "Help lines"), with
# their labels in the reader's language. They follow the school's own numbers, in this order.
NATIONAL_LINES = (
    ("12356", _("National mental-health line")),
    ("12355", _("Youth service line")),
    ("110", _("Police")),
    ("120", _("Ambulance")),
)
ALWAYS_LISTED = ("12356", "110", "120")


def _label(text: str) -> str:
    """A configured label; "中文 / English" gives the part for the reader's language."""
    if " / " not in text:
        return text.strip()
    chinese, english = (part.strip() for part in text.split(" / ", 1))
    return chinese if (get_language() or "").startswith("zh") else english


def help_lines() -> list[tuple[str, str]]:
    """(label, number) pairs for the help block: ``settings.HELP_LINES`` in their order, then the
    national mental-health line, police and ambulance when the school did not list them already.

    Each setting is "label=number"; a national number keeps our translated label.
    """
    national = dict(NATIONAL_LINES)
    lines: list[tuple[str, str]] = []
    for entry in getattr(settings, "HELP_LINES", []) or []:
        label, _sep, number = str(entry).rpartition("=")
        number = number.strip()
        if not number:
            continue
        lines.append((str(national[number]) if number in national else _label(label) or number, number))
    listed = {number for _label_text, number in lines}
    lines += [(str(national[number]), number) for number in ALWAYS_LISTED if number not in listed]
    return lines


def layout(request: HttpRequest) -> dict:
    """What the base layout needs: the office name, the navigation, the unread count, the help lines,
    whether to show the "need help right now?" link (students and signed-out visitors), and the
    addresses of the help page and of the privacy page (any template may link to them)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    context: dict = {
        # In a district, each school's (and the district office's) own name, as the district named it.
        "office_name": getattr(getattr(request, "tenant", None), "name", "") or settings.OFFICE_NAME,
        "nav_items": [],
        "unread_count": 0,
        "help_lines": help_lines(),
        "show_help_link": not signed_in or is_student(user),
        "help_url": fixed_address("help"),
        "privacy_url": fixed_address("privacy"),
    }
    if signed_in:
        context["nav_items"] = nav_items(user)
        context["unread_count"] = unread_count(user)
    return context
