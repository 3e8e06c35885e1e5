"""The feedback questionnaire after a parent class: picked from the instrument library, answered once
by attending families, kept only as counts, shown to the office under the disclosure rule."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archives import contract as archives_contract
from campaigns.models import FamilyRegistration, FeedbackCount, FeedbackMarker
from campaigns.services import families as family_service
from campaigns.tests.factories import CampaignFactory, at, feedback_instrument, parent_class
from counseling.tests.factories import make_guardian, make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(counselor):
    """A parent class held yesterday, organised by the counselor, with the short feedback form."""
    campaign = CampaignFactory(organisers=[counselor], start_date=timezone.localdate() - datetime.timedelta(days=3))
    event = parent_class(campaign, starts_at=at(timezone.localdate() - datetime.timedelta(days=1), 19))
    family_service.choose_feedback(event, by=counselor, code=feedback_instrument().code)
    return event


def _came(event, student, guardian):
    return FamilyRegistration.objects.create(
        event=event, student=student, guardian=guardian, attended_at=timezone.now()
    )


def test_the_library_offers_short_unscored_questionnaires_only() -> None:
    instrument = feedback_instrument()
    codes = [row.code for row in archives_contract.feedback_instruments()]
    assert instrument.code in codes
    assert "phq9" not in codes and "gad7" not in codes  # scored clinical scales are never a feedback form
    name, items = archives_contract.feedback_items(instrument.code)
    assert name == "家长课堂反馈"
    # The free-text item is left out: a parent's sentence could say who wrote it.
    assert [item["id"] for item in items] == ["1", "2"]
    assert archives_contract.feedback_items("phq9") is None


def test_the_organiser_picks_the_questionnaire_on_the_events_page(counselor, client_for) -> None:
    feedback_instrument()
    campaign = CampaignFactory(organisers=[counselor])
    event = parent_class(campaign)
    client = client_for(counselor)
    page = client.get(reverse("campaigns:family_event", args=[event.pk])).content.decode()
    assert "家长课堂反馈 (3)" in page
    response = client.post(reverse("campaigns:feedback_choose", args=[event.pk]), {"code": "phq9"})
    assert "Select a valid choice" in response.content.decode()
    assert (
        client.post(reverse("campaigns:feedback_choose", args=[event.pk]), {"code": "parent-feedback"}).status_code
        == 302
    )
    event.refresh_from_db()
    assert (event.feedback_code, len(event.feedback_items)) == ("parent-feedback", 2)
    assert FeedbackCount.objects.filter(event=event, count=0).count() == 6


def test_an_attending_guardian_answers_once_and_anonymously(held, guardian, student, client_for) -> None:
    _came(held, student, guardian)
    client = client_for(guardian)
    assert "Answer the short feedback questionnaire" in client.get(reverse("campaigns:family_events")).content.decode()
    url = reverse("campaigns:family_feedback", args=[held.pk])
    page = client.get(url).content.decode()
    assert "内容对我有帮助" in page and "满意" in page and "其他建议" not in page
    response = client.post(url, {"item_1": "3", "item_2": "2"}, follow=True)
    assert "Thank you: your answers are counted, without your name." in response.content.decode()
    counts = {(row.item, row.value): row.count for row in FeedbackCount.objects.filter(event=held, count__gt=0)}
    assert counts == {("1", 3): 1, ("2", 2): 1}
    assert list(FeedbackMarker.objects.values_list("guardian", flat=True)) == [guardian.pk]
    # No row of the answers names the guardian.
    assert {field.name for field in FeedbackCount._meta.get_fields()} == {"id", "event", "item", "value", "count"}
    # A second answer is refused and counts nothing.
    response = client.post(url, {"item_1": "1", "item_2": "1"})
    assert "You have answered this questionnaire already. Thank you." in response.content.decode()
    with pytest.raises(Exception, match="answered this questionnaire already"):
        family_service.answer_feedback(held.pk, guardian=guardian, answers={"1": 1, "2": 1})
    assert sum(FeedbackCount.objects.filter(event=held).values_list("count", flat=True)) == 2


@pytest.mark.parametrize("data", [{}, {"item_1": "3"}, {"item_1": "9", "item_2": "1"}, {"item_1": "x", "item_2": "1"}])
def test_an_incomplete_or_bad_answer_changes_nothing(held, guardian, student, client_for, data) -> None:
    _came(held, student, guardian)
    response = client_for(guardian).post(reverse("campaigns:family_feedback", args=[held.pk]), data)
    assert response.status_code == 200
    assert not FeedbackMarker.objects.exists()
    assert not FeedbackCount.objects.filter(count__gt=0).exists()


def test_only_families_who_came_answer_after_the_event(
    held, counselor, guardian, other_guardian, student, other_student, client_for
):
    FamilyRegistration.objects.create(event=held, student=student, guardian=guardian)  # registered, did not come
    assert client_for(guardian).get(reverse("campaigns:family_feedback", args=[held.pk])).status_code == 404
    assert client_for(other_guardian).get(reverse("campaigns:family_feedback", args=[held.pk])).status_code == 404
    upcoming = parent_class(held.campaign)
    family_service.choose_feedback(upcoming, by=counselor, code="parent-feedback")
    _came(upcoming, other_student, other_guardian)
    with pytest.raises(Exception, match="not open to you"):
        family_service.answer_feedback(upcoming.pk, guardian=other_guardian, answers={"1": 1, "2": 1})


def test_the_office_sees_counts_with_small_cells_hidden(held, counselor, school_class, client_for) -> None:
    answers = [(1, 3)] * 5 + [(2, 3)] * 5 + [(3, 3)] * 5
    for index, (first, second) in enumerate(answers):
        child = make_student(f"child{index}", school_class, student_number=f"300{index:02d}")
        guardian = make_guardian(f"139000000{index:02d}", child)
        _came(held, child, guardian)
        family_service.answer_feedback(held.pk, guardian=guardian, answers={"1": first, "2": second})
    answered, results = family_service.feedback_results(held)
    assert answered == 15
    # Item 1: five families chose each option: every count is shown.
    assert (results[0].text, results[0].rows) == ("内容对我有帮助", [("不满意", 5), ("一般", 5), ("满意", 5)])
    # Item 2: all fifteen chose "满意". The zeros are hidden, and so is the 15: beside the total it
    # would say that the hidden cells are 0.
    assert (results[1].text, results[1].rows) == ("时间安排合适", [("不满意", "*"), ("一般", "*"), ("满意", "*")])
    page = client_for(counselor).get(reverse("campaigns:family_event", args=[held.pk])).content.decode()
    assert "families who answered: 15" in page and "内容对我有帮助" in page
    # Once families have answered, the questionnaire cannot be changed.
    with pytest.raises(Exception, match="can no longer be changed"):
        family_service.choose_feedback(held, by=counselor, code="")


def test_one_answer_is_never_shown_to_the_office(held, guardian, student) -> None:
    _came(held, student, guardian)
    family_service.answer_feedback(held.pk, guardian=guardian, answers={"1": 1, "2": 3})
    answered, results = family_service.feedback_results(held)
    assert answered == "*"
    assert {count for result in results for _label, count in result.rows} == {"*"}
