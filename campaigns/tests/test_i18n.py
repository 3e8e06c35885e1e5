"""The pages speak Chinese by default; every message of the app is translated."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from campaigns.tests.factories import CampaignFactory, EventFactory

PO = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated() -> None:
    command = [shutil.which("msgfmt") or "msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr


@pytest.mark.django_db
def test_the_public_programme_in_chinese(settings, client) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    campaign = CampaignFactory()
    EventFactory(campaign=campaign, kind="launch", title="启动仪式暨签名活动")
    text = client.get(
        reverse("campaigns:programme", args=[campaign.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "日程" in text
    assert "启动仪式</span>" in text  # the event type label
    assert "Programme" not in text
