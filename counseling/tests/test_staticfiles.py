"""The static files' storage remembers each address: the same answer as whitenoise's, every time."""

from __future__ import annotations

import json

import pytest

from counseling.staticfiles import StaticStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.STATIC_URL = "/static/"
    manifest = {"paths": {"css/app.css": "css/app.0123abcd.css"}, "version": "1.1", "hash": "x"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticStorage(location=str(tmp_path), base_url="/static/")


def test_a_file_is_linked_by_its_hashed_name_every_time(storage):
    assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"
    assert storage.url("css/app.css") == "/static/css/app.0123abcd.css"
    assert storage._urls == {"css/app.css": "/static/css/app.0123abcd.css"}


def test_a_name_missing_from_the_manifest_still_fails_and_is_not_remembered(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
    assert "css/missing.css" not in storage._urls
