"""Date and time inputs carry ISO values in every language (the browser ignores anything else).

In zh-hans Django's own widgets would write ``2026/12/07``, which leaves ``<input type="date">``
empty: the free-time chip opened an unfilled booking form and follow-ups started on no date.
"""

from __future__ import annotations

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

from appointments.tests.conftest import at
from appointments.tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hans", "en"]


def _client(user, language: str) -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user, backend="counseling.backends.PasswordBackend")
    return client


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_free_time_chip_opens_a_booking_form_with_its_date(language, counselor, hours) -> None:
    client = _client(counselor, language)
    week = client.get(reverse("appointments:week") + "?date=2026-12-07").content.decode()
    chip = f"{reverse('appointments:create')}?start=2026-12-07T17:25&amp;counselor={counselor.pk}"
    assert chip in week

    form = client.get(reverse("appointments:create") + f"?start=2026-12-07T17:25&counselor={counselor.pk}")
    page = form.content.decode()
    assert form.status_code == 200
    assert 'type="date" name="date" value="2026-12-07"' in page
    assert 'type="time" name="start_time" value="17:25"' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_follow_ups_form_starts_a_week_after_the_appointment(language, counselor, student, hours) -> None:
    base = AppointmentFactory(student=student, counselor=counselor, starts_at=at(14, 15, 0), ends_at=at(14, 15, 45))
    page = _client(counselor, language).get(reverse("appointments:follow_ups", args=[base.pk])).content.decode()
    assert 'type="date" name="first_date" value="2026-12-07"' in page
    assert 'type="time" name="start_time" value="15:00"' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_form_sent_back_with_an_error_keeps_the_iso_date(language, counselor, student, hours) -> None:
    base = AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 15, 0), ends_at=at(0, 15, 45))
    response = _client(counselor, language).post(
        reverse("appointments:follow_ups", args=[base.pk]),
        {"first_date": "2026-12-07", "start_time": "15:00", "every": "0", "count": "4", "action": "preview"},
    )
    assert response.status_code == 400
    assert 'value="2026-12-07"' in response.content.decode()


FORM_MODULES = [
    "appointments.forms",
    "archives.forms",
    "campaigns.forms",
    "counseling.cases.forms",
    "counseling.forms",
    "counseling.schoolyear.forms",
]
SAMPLES = {
    forms.DateTimeField: (datetime.datetime(2026, 12, 7, 17, 25), 'value="2026-12-07T17:25"'),
    forms.DateField: (datetime.date(2026, 12, 7), 'value="2026-12-07"'),
    forms.TimeField: (datetime.time(17, 25), 'value="17:25"'),
}


def _date_fields():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for form_name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module_name:
                continue
            for name, field in form.base_fields.items():
                for kind, sample in SAMPLES.items():
                    if isinstance(field, kind):
                        yield pytest.param(field, sample, id=f"{module_name}.{form_name}.{name}")
                        break


@pytest.mark.parametrize(("field", "sample"), list(_date_fields()))
def test_every_date_and_time_input_of_every_form_renders_iso_in_chinese(field, sample) -> None:
    value, expected = sample
    with translation.override("zh-hans"):
        html = field.widget.render("field", value)
    assert expected in html
    assert field.widget.input_type in {"date", "datetime-local", "time", "hidden"}
