"""Hostile input never breaks a page: every form of the product, posted generated values, answers without a 500.

The forms are found, not listed: every URL of the access matrix (counseling.tests.access) is
requested as every role allowed to open it, and each ``<form>`` in the answer is parsed (its
inputs, selects and textareas). Each distinct form (action and field names) is then submitted by
the first role that saw it, ``EXAMPLES`` times, with values hypothesis draws per field: the form's
own value, or a hostile one (year 1 and 9999, huge and negative numbers, NUL, a 200,000-character
string, unicode beyond the BMP, nothing at all). A POST that is refused (a 4xx, or the form again
with its errors) must change nothing: the row count of every table the product owns is compared before
and after, and on PostgreSQL the rows written (updates as well).

``derandomize=True`` keeps the drawn values the same on every run, so CI is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from counseling.tests.access import ROLES
from counseling.tests.test_access_matrix import all_routes

# Seven examples a form keep CI within its budget (125 forms); the fixed seed makes them the same each run.
EXAMPLES = 7
HUGE = "x" * 200_000
HOSTILE_TEXT = ["", " ", "\x00", "a\x00b", HUGE, "😀𠀀\u202e\ufeff", "<script>x</script>", "abc-not-a-phone"]
HOSTILE_NUMBER = ["-1", "0", "99999999999999999999", "1e309", "NaN", "3.5", "abc"]
HOSTILE_DATE = ["0001-01-01", "9999-12-31", "1999-01-01", "2026-02-30", "abc"]
HOSTILE_DATETIME = ["0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01 00:00", "9999-12-31 23:59:59", "abc"]
HOSTILE_TIME = ["00:00", "23:59", "24:00", "99:99", "abc"]
# Never submitted: they sign the user out or switch the language, which would end the run early.
SKIP_ACTIONS = ("/accounts/logout/", "/i18n/")
# Tables a refused post may still write to (the session, the audit trail of what was read, sign-in
# bookkeeping, a one-time-code device's failure counter); the product's own records must not move.
VOLATILE_TABLES = ("django_session", "axes_", "otp_", "counseling_auditentry", "counseling_notification")


@dataclass
class Field:
    name: str
    kind: str  # the input type, "select", "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    def key(self) -> tuple:
        return (self.method, urlsplit(self.action).path, tuple(sorted(self.fields)))


class FormParser(HTMLParser):
    """Collects the forms of a page: method, action and the named fields with their current values."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        attr = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = Form(
                method=attr.get("method", "get").lower(), action=urljoin(self.page_url, attr.get("action") or "")
            )
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or not attr.get("name"):
            return
        name = attr["name"]
        if tag == "input":
            kind = attr.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "image"} or name == "csrfmiddlewaretoken":
                return
            existing = form.fields.get(name)
            if kind in {"checkbox", "radio"} and existing is not None:
                existing.options.append(attr.get("value", "on"))
                return
            value = attr.get("value", "on" if kind in {"checkbox", "radio"} else "")
            form.fields[name] = Field(name, kind, value, [value] if kind in {"checkbox", "radio"} else [])
        elif tag == "select":
            self._select = form.fields[name] = Field(name, "select")
        elif tag == "textarea":
            self._textarea = form.fields[name] = Field(name, "textarea")
        elif tag == "option" and self._select is not None:
            self._select.options.append(attr.get("value", ""))
            if "selected" in attr:
                self._select.value = attr.get("value", "")

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._select is not None and not self._select.value and self._select.options:
                self._select.value = self._select.options[-1]
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def value_strategy(f: Field) -> st.SearchStrategy:
    """The field's own value, another of its options, or a hostile value of its kind (or of any kind)."""
    own = [f.value, *f.options]
    if f.kind == "date":
        hostile = HOSTILE_DATE
    elif f.kind == "datetime-local":
        hostile = HOSTILE_DATETIME
    elif f.kind == "time":
        hostile = HOSTILE_TIME
    elif f.kind == "number":
        hostile = HOSTILE_NUMBER
    else:
        hostile = HOSTILE_TEXT + HOSTILE_NUMBER[2:3] + HOSTILE_DATE[:2]
    # Hostile values first: they are what the test is for, and what hypothesis tries most.
    return st.one_of(st.sampled_from(hostile), st.sampled_from(own), st.text(max_size=30))


def discover_forms(routes, clients) -> list[tuple[str, Form]]:
    """Each distinct form of the product with the first role (in the cast's order) that was shown it."""
    found: dict[tuple, tuple[str, Form]] = {}
    for _name, route in sorted(routes.items()):
        if route.method != "get":
            continue
        for role in ROLES[1:]:
            if route.expect[role] != 200:
                continue
            response = clients[role].get(route.url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = FormParser(f"http://testserver{route.url}")
            parser.feed(response.content.decode())
            for form in parser.forms:
                path = urlsplit(form.action).path
                if path.startswith(SKIP_ACTIONS) or (not form.fields and form.method == "get"):
                    continue
                found.setdefault(form.key(), (role, form))
    return list(found.values())


def product_tables() -> list[str]:
    tables = []
    for model in apps.get_models():
        table = model._meta.db_table
        if model._meta.managed and not model._meta.proxy and not table.startswith(VOLATILE_TABLES):
            tables.append(table)
    return sorted(set(tables))


def snapshot(tables: list[str]) -> tuple:
    """Per table, a number that moves when a row is written.

    On PostgreSQL the rows this transaction inserted, updated or deleted (``pg_stat_xact_user_tables``:
    the test runs in one transaction, and an update shows as well); elsewhere the row counts.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables WHERE relname = ANY(%s)",
                [tables],
            )
            written = dict(cursor.fetchall())
            return tuple(written.get(table, 0) for table in tables)
        quote = connection.ops.quote_name
        # The table names come from the models, not from input.
        cursor.execute("SELECT " + ", ".join(f"(SELECT count(*) FROM {quote(t)})" for t in tables))  # noqa: S608
        return tuple(cursor.fetchone())


@pytest.mark.django_db
def test_no_generated_input_breaks_a_form(cast) -> None:
    routes = all_routes(cast)
    clients = {role: signed_in(getattr(cast, role)) for role in ROLES}
    forms = discover_forms(routes, clients)
    assert len(forms) > 40, f"only {len(forms)} forms found: the discovery is broken"
    tables = product_tables()
    failures: list[str] = []

    for role, form in forms:
        fuzz(clients[role], role, form, tables, failures)
    assert not failures, "\n".join(sorted(set(failures)))


def fuzz(client: Client, role: str, form: Form, tables: list[str], failures: list[str]) -> None:
    """Submit ``form`` EXAMPLES times with generated values; note a 500, or a refused post that changed rows."""
    target = urlsplit(form.action)
    url = target.path + (f"?{target.query}" if target.query else "")

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.fixed_dictionaries({name: value_strategy(f) for name, f in form.fields.items()}))
    def submit(data: dict) -> None:
        if form.method == "post":
            before = snapshot(tables)
            response = client.post(url, data)
        else:
            response = client.get(url, data)
        status = response.status_code
        if status >= 500:
            failures.append(f"{form.method.upper()} {url} as {role}: {status} with {summarise(data)}")
            return
        if form.method == "post" and refused(response):
            after = snapshot(tables)
            changed = [t for t, a, b in zip(tables, before, after, strict=True) if a != b]
            if changed:
                failures.append(f"POST {url} as {role}: refused ({status}) but changed {changed}")

    submit()


def refused(response) -> bool:
    """A 4xx, or the form shown again with its errors (a 200 that is a download or a next step is not)."""
    if response.status_code >= 400:
        return True
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return False
    page = response.content.decode()
    return any(mark in page for mark in ("is-invalid", "invalid-feedback", "errorlist"))


def signed_in(user) -> Client:
    # A 500 is reported with the others instead of ending the run.
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user, backend="counseling.backends.PasswordBackend")
    return client


def summarise(data: dict) -> dict:
    return {k: (v if len(v) < 40 else f"{v[:10]}…({len(v)})") for k, v in data.items()}
