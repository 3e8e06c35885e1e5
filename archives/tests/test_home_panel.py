"""The student's "Surveys for you" panel on the home page: rows formatted in Python (issue 17),
with the text, links and closing times the template used to write."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from archives.models import Invitation
from archives.tests.factories import published

pytestmark = pytest.mark.django_db


def test_each_survey_links_to_its_page_with_its_closing_time(phq9, school_class, student, client_for) -> None:
    first = published([phq9], [school_class], title="春季普查")
    second = published([phq9], [school_class], title="Second <survey>")
    Invitation.objects.filter(screening=second, student=student).update(draft_saved_at=timezone.now())
    page = client_for(student).get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for screening, note in ((first, ""), (second, "Continue where you left off · ")):
        with translation.override("en"):
            until = date_format(timezone.localtime(screening.closes_at), "SHORT_DATETIME_FORMAT")
        assert f'href="{reverse("archives:survey", args=[screening.pk])}"' in page
        assert f'<div class="small text-body-secondary">{note}until {until}</div>' in page
    assert '<div class="fw-semibold">春季普查</div>' in page
    assert '<div class="fw-semibold">Second &lt;survey&gt;</div>' in page


def test_the_panel_speaks_chinese(phq9, school_class, student, client_for) -> None:
    screening = published([phq9], [school_class], title="春季普查")
    client = client_for(student)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "待完成的问卷" in page
    assert f'href="{reverse("archives:survey", args=[screening.pk])}"' in page
    with translation.override("zh-hans"):
        until = date_format(timezone.localtime(screening.closes_at), "SHORT_DATETIME_FORMAT")
    assert f'<div class="small text-body-secondary">截止 {until}</div>' in page
