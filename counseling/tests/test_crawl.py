"""The confidentiality crawl: nothing confidential reaches a role that must not see it.

On the demo school (``seed_demo``) we plant marked confidential text — a session note, a letter
to the mailbox, a teacher's concern, a complaint — and a guardian's phone number, each
about student1. Then, as each demo role, we follow every link the role can reach from its home
page, and afterwards request every URL that *any* role found. Every text answer is searched for
the marks; a mark in an answer to a role outside its allowed set fails the test, naming role,
URL and mark.

The crawl is bounded: GET only, same site, at most ``PER_VIEW`` distinct URLs per URL name (a
list of 600 archive pages is one kind of page) and ``MAX_PAGES`` pages per role. Django's own
admin is entered only at its index (it has its own permission system and its own test).
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from io import StringIO
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

PER_VIEW = 3
MAX_PAGES = 250
SKIP_PREFIXES = ("/accounts/logout/", "/i18n/", "/static/", "/media/", "/admin/")
HREF = re.compile(r"""href=["']([^"'#][^"']*)["']""")

NOTE = "CANARY-NOTE-7f3a"
LETTER = "CANARY-LETTER-5c21"
CONCERN = "CANARY-CONCERN-9e04"
COMPLAINT = "CANARY-COMPLAINT-2b8d"
GUARDIAN_PHONE = "13900017331"

# Demo user names; "other_student" is a pupil of another class, "teacher2" teaches another class.
ROLES = [
    "anonymous",
    "student1",
    "student2",
    "other_student",
    "teacher1",
    "teacher2",
    "counselor1",
    "counselor2",
    "head",
    "leader",
    "admin",
]
COUNSELING = {"counselor1", "counselor2", "head"}
# Who may read each mark. The note is counselor1's case: a colleague without the case may not.
ALLOWED = {
    NOTE: {"counselor1", "head"},
    LETTER: {"student1"} | COUNSELING,
    CONCERN: {"teacher1"} | COUNSELING,
    COMPLAINT: {"student1", "head"},
    GUARDIAN_PHONE: {"teacher1", "admin"} | COUNSELING,
}


def plant_marks(users) -> list[str]:
    """Confidential records about student1, written straight to the database through the apps' factories.

    Returns the addresses of those records, which every role requests besides what the crawl finds.
    """
    from appointments.tests.factories import MailboxItemFactory
    from counseling.cases.models import Case
    from counseling.cases.tests.factories import CaseFactory, ComplaintFactory, ConcernFactory, NoteFactory

    student = users["student1"]
    case = Case.objects.filter(student=student).first() or CaseFactory(student=student, counselor=users["counselor1"])
    Case.objects.filter(pk=case.pk).update(counselor=users["counselor1"])
    note = NoteFactory(case=case, content=NOTE, analysis=NOTE, next_steps=NOTE)
    letter = MailboxItemFactory(sender=student, body=LETTER)
    concern = ConcernFactory(student=student, referred_by=users["teacher1"], description=CONCERN)
    complaint = ComplaintFactory(filed_by=student, description=COMPLAINT)
    profile = student.student_profile
    profile.guardian_phone = GUARDIAN_PHONE
    profile.save(update_fields=["guardian_phone"])
    return [
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/print/",
        f"/cases/notes/{note.pk}/",
        f"/appointments/mailbox/{letter.pk}/",
        f"/cases/concerns/{concern.pk}/",
        f"/cases/refer/{concern.pk}/",
        f"/cases/complaints/{complaint.pk}/",
        f"/archives/students/{student.pk}/",
        f"/archives/students/{student.pk}/print/",
    ]


def demo_users() -> dict:
    from counseling.models import User

    wanted = [r for r in ROLES if r not in {"anonymous", "other_student"}]
    users = {u.username: u for u in User.objects.filter(username__in=wanted).select_related("student_profile")}
    teacher1_class = users["student1"].student_profile.school_class
    users["other_student"] = (
        User.objects.filter(student_profile__school_class__grade=teacher1_class.grade, is_active=True)
        .exclude(student_profile__school_class=teacher1_class)
        .order_by("student_profile__student_number")
        .first()
    )
    return users


def client_for(user) -> Client:
    # A page that fails is reported with the leaks instead of stopping the crawl.
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user, backend="counseling.backends.PasswordBackend")
    return client


def view_name(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def is_text(response) -> bool:
    kind = response.headers.get("Content-Type", "")
    return kind.startswith(("text/", "application/json", "image/svg"))


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def links(html: str) -> list[str]:
    found = []
    for href in HREF.findall(html):
        href = urldefrag(href.replace("&amp;", "&"))[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue
        if href.startswith(SKIP_PREFIXES) and href != "/admin/":
            continue
        found.append(href)
    return found


def crawl(client: Client) -> dict[str, tuple[int, str]]:
    """Breadth-first from the home page: {url: (status, text)} of every page reached."""
    seen: dict[str, tuple[int, str]] = {}
    per_view: dict[str | None, int] = defaultdict(int)
    queue = deque(["/"])
    queued = {"/"}
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, follow=True)
        text = body(response) if is_text(response) else ""
        seen[url] = (response.status_code, text)
        if response.status_code != 200 or "html" not in response.headers.get("Content-Type", ""):
            continue
        for href in links(text):
            name = view_name(href)
            if href in queued or name is None or per_view[name] >= PER_VIEW:
                continue
            per_view[name] += 1
            queued.add(href)
            queue.append(href)
    return seen


@pytest.mark.django_db
def test_no_role_is_served_confidential_text_it_must_not_see():
    call_command("seed_demo", force=True, stdout=StringIO())
    users = demo_users()
    marked_pages = plant_marks(users)

    found: dict[str, dict[str, tuple[int, str]]] = {}
    for role in ROLES:
        found[role] = crawl(client_for(users.get(role)))
    every_url = sorted({url for pages in found.values() for url in pages} | set(marked_pages))

    # What each role is served: the pages it reached, then every other address any role found.
    served: dict[str, dict[str, tuple[int, str]]] = {}
    for role in ROLES:
        client = client_for(users.get(role))
        served[role] = dict(found[role])
        for url in every_url:
            if url not in served[role]:
                response = client.get(url)
                served[role][url] = (response.status_code, body(response) if is_text(response) else "")

    leaks = [
        f"{role} got {mark} from {url} ({status})"
        for role in ROLES
        for url, (status, text) in served[role].items()
        for mark, allowed in ALLOWED.items()
        if role not in allowed and mark in text
    ]
    assert not leaks, "confidential text served to the wrong role:\n" + "\n".join(leaks)
    errors = sorted(
        {f"{url} as {role}: {status}" for role in ROLES for url, (status, _) in served[role].items() if status >= 500}
    )
    assert not errors, "pages that fail:\n" + "\n".join(errors)

    # The sweep is only proof if the allowed readers do reach each mark somewhere.
    reached = {mark: {role for role in ROLES for _, text in served[role].values() if mark in text} for mark in ALLOWED}
    for mark in (NOTE, LETTER, CONCERN, COMPLAINT, GUARDIAN_PHONE):
        assert reached[mark], f"nobody was served {mark}: the sweep did not reach it"
    assert "counselor1" in reached[NOTE] and "head" in reached[NOTE]
    assert len(every_url) > 50, every_url
