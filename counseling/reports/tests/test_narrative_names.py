"""Issue 16, item 4: the narrative box printed a student's name. A name from the school directory is
now a warning the head counselor must confirm before the narrative is saved; nothing is logged."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from counseling.reports import services


@pytest.fixture
def draft(term, head):
    report = services.request_report(term, head)
    services.build_report(report.pk)
    report.refresh_from_db()
    return report


@pytest.mark.django_db
def test_a_students_name_is_held_back_with_a_warning_until_confirmed(draft, head, student, client_for, caplog) -> None:
    client = client_for(head)
    url = reverse("reports:narrative", args=[draft.pk])
    text = f"本学期{student.name}同学多次来访，情况好转"
    with caplog.at_level(logging.DEBUG):
        response = client.post(url, {"highlights": text, "problems": "", "next_plan": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert f"叙述中似乎有学生的姓名：{student.name}。" in page
    assert 'name="confirm_names"' in page and 'type="checkbox"' in page
    draft.refresh_from_db()
    assert draft.highlights == ""
    assert all(student.name not in record.getMessage() for record in caplog.records)

    # The head counselor checked it and confirms: saved as typed.
    response = client.post(url, {"highlights": text, "problems": "", "next_plan": "", "confirm_names": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.highlights == text


@pytest.mark.django_db
def test_a_narrative_without_a_name_saves_at_once(draft, head, student, client_for) -> None:
    response = client_for(head).post(
        reverse("reports:narrative", args=[draft.pk]),
        {"highlights": "心理健康周参与率高", "problems": "", "next_plan": "加强初三辅导"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.highlights, draft.next_plan) == ("心理健康周参与率高", "加强初三辅导")
