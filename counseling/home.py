"""Home-page panels of the counseling app (see counseling.hooks)."""

from __future__ import annotations

from django.http import HttpRequest

from counseling.hooks import Panel
from counseling.services import consent_requests, family_notices, invitations, signedin
from counseling.services.family import children_of

# The newest notices a guardian's home lists; older ones stay in their notifications.
FAMILY_NOTICES_SHOWN = 5


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    found = []
    if user.has_perm("counseling.answer_consent"):
        found.append(_family_panel(user))
    # The menu's unread count is at hand (cached with the signed-in user): with none unread, no query.
    unread = list(user.notifications.unread()[:5]) if signedin.may_have_unread(user) else []
    if unread:
        found.append(Panel("counseling/panels/unread.html", {"unread": unread}, order=10))
    return found


def _family_panel(guardian) -> Panel:
    """A guardian's children (name and class only), invitations waiting, open consent requests, notices."""
    context = {
        "children": list(children_of(guardian).select_related("student_profile__school_class__grade")),
        "pending": list(invitations.pending_for(guardian)),
        "consent": consent_requests.open_requests_for(guardian),
        "notices": list(family_notices.notices_for(guardian)[:FAMILY_NOTICES_SHOWN]),
    }
    return Panel("counseling/panels/family.html", context, order=5)
