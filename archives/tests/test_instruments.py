"""The instrument library: the notice on the page, importing a definition file and answering it
end to end, clear errors for bad files, and building a questionnaire in the app."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from archives.models import Instrument, InstrumentSource, Invitation, Result, Submission
from archives.services.library import BUILTIN_DIR
from archives.tests.factories import post_data, published

pytestmark = pytest.mark.django_db


def upload(content: bytes, name: str = "scale.json") -> dict:
    return {"file": SimpleUploadedFile(name, content, content_type="application/json")}


def test_the_notice_is_on_the_instrument_page(phq9, gad7, counselor, client_for) -> None:
    for instrument in (phq9, gad7):
        page = client_for(counselor).get(reverse("archives:instrument_detail", args=[instrument.pk])).content.decode()
        assert 'data-testid="instrument-notice"' in page
        assert "辉瑞" in page
        assert "复制、翻译、展示或分发均无需获得许可" in page
    page = (
        client_for(counselor)
        .get(reverse("archives:instrument_detail", args=[phq9.pk]), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert "No permission required to reproduce, translate, display or distribute." in page


def test_import_a_definition_and_answer_it_end_to_end(school_class, student, counselor, client_for) -> None:
    content = (BUILTIN_DIR / "examples" / "class_climate.json").read_bytes()
    response = client_for(counselor).post(reverse("archives:instrument_import"), upload(content))
    assert response.status_code == 302
    instrument = Instrument.objects.get(code="class-climate")
    assert instrument.source == InstrumentSource.IMPORTED
    assert instrument.item_count == 7

    screening = published([instrument], [school_class], by=counselor, title="班级氛围")
    client = client_for(student)
    page = client.get(reverse("archives:survey", args=[screening.pk])).content.decode()
    assert "在班里我常常感到孤单" in page
    answers = {"class-climate": {"b1": 4, "b2": 3, "b3": 1, "s1": 4, "s2": 2, "s3": 1, "c1": "希望多开班会"}}
    response = client.post(reverse("archives:survey", args=[screening.pk]), post_data(screening, answers))
    assert response.status_code == 302
    result = Result.objects.get(screening=screening)
    # b3 and s2 are reverse-scored on 1..4: 4 + 3 + 4 + 4 + 3 = 18.
    assert (result.total, result.band, result.subscales) == (18, "good", {"belonging": 11, "safety": 7})
    assert Submission.objects.get(screening=screening).answer_data()["class-climate"]["c1"] == "希望多开班会"


def test_a_bad_file_lists_every_problem_and_stores_nothing(counselor, client_for) -> None:
    raw = json.loads((BUILTIN_DIR / "phq9.json").read_text())
    raw["code"] = "my-phq"
    raw["items"][8]["critical_values"] = [5]
    raw["scoring"]["total"]["bands"][0]["max"] = 3
    response = client_for(counselor).post(reverse("archives:instrument_import"), upload(json.dumps(raw).encode()))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="definition-errors"' in page
    assert "items[8] (id 9).critical_values: 5 不是本题的选项值（0, 1, 2, 3）" in page
    assert "缺少从 4 开始的分段" in page
    assert not Instrument.objects.filter(code="my-phq").exists()


def test_not_json_and_wrong_extension(counselor, client_for) -> None:
    client = client_for(counselor)
    assert client.post(reverse("archives:instrument_import"), upload(b"items: []")).status_code == 400
    assert client.post(reverse("archives:instrument_import"), upload(b"{}", name="scale.yaml")).status_code == 400
    assert not Instrument.objects.exclude(code__in=["phq9", "gad7"]).exists()


def test_shipped_and_used_codes_cannot_be_replaced(phq9, school_class, student, counselor, client_for) -> None:
    content = (BUILTIN_DIR / "phq9.json").read_bytes()
    response = client_for(counselor).post(reverse("archives:instrument_import"), upload(content))
    assert response.status_code == 400
    content = (BUILTIN_DIR / "examples" / "class_climate.json").read_bytes()
    client_for(counselor).post(reverse("archives:instrument_import"), upload(content))
    published([Instrument.objects.get(code="class-climate")], [school_class], by=counselor)
    response = client_for(counselor).post(reverse("archives:instrument_import"), upload(content))
    assert response.status_code == 400
    assert "class-climate-v2" in response.content.decode()


def test_build_a_scored_questionnaire_in_the_app(school_class, student, counselor, client_for) -> None:
    response = client_for(counselor).post(
        reverse("archives:instrument_build"),
        {
            "name": "考试焦虑小问卷",
            "code": "exam-worry",
            "language": "zh-hans",
            "instructions": "想一想最近一次考试",
            "options": "0 从不\n1 有时\n2 经常",
            "items": "考试前我睡不好\n[R] 考试时我能保持平静\n[T] 你还想说什么",
            "bands": "0-1 较少\n2-4 较多",
        },
    )
    assert response.status_code == 302
    instrument = Instrument.objects.get(code="exam-worry")
    assert instrument.source == InstrumentSource.BUILT
    assert instrument.is_scored
    items = instrument.items
    assert [i["type"] for i in items] == ["choice", "choice", "text"]
    assert items[1]["reverse"] is True

    screening = published([instrument], [school_class], by=counselor)
    data = post_data(screening, {"exam-worry": {"1": 2, "2": 0}})
    client_for(student).post(reverse("archives:survey", args=[screening.pk]), data)
    result = Result.objects.get(screening=screening)
    assert (result.total, result.band) == (4, "band-2")
    assert Invitation.objects.get(screening=screening).is_submitted


def test_build_an_unscored_questionnaire(counselor, client_for) -> None:
    response = client_for(counselor).post(
        reverse("archives:instrument_build"),
        {
            "name": "活动反馈",
            "code": "event-feedback",
            "language": "zh-hans",
            "options": "满意\n一般\n不满意",
            "items": "讲座内容\n场地安排",
        },
    )
    assert response.status_code == 302
    instrument = Instrument.objects.get(code="event-feedback")
    assert not instrument.is_scored
    assert [o["value"] for o in instrument.items[0]["options"]] == [1, 2, 3]


def test_builder_errors_are_clear(counselor, client_for) -> None:
    response = client_for(counselor).post(
        reverse("archives:instrument_build"),
        {
            "name": "x",
            "code": "x",
            "language": "zh-hans",
            "options": "0 从不\n1 有时",
            "items": "题一\n题二",
            "bands": "0-1 低\nbad line",
        },
    )
    assert response.status_code == 400
    assert "bad line" in response.content.decode()
    assert not Instrument.objects.filter(code="x").exists()


def test_export_gives_the_definition_back(phq9, counselor, client_for) -> None:
    response = client_for(counselor).get(reverse("archives:instrument_export", args=[phq9.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="phq9.json"'
    assert json.loads(response.content) == phq9.definition
