"""One translation per string: Django merges every app's catalogue into one, so a message id that
two catalogues translate differently shows whichever app happens to win (the consent button read
对象 and the focus form 年级序号). Where one English word means two things, the source gives it a
context (pgettext) and each meaning is translated once.
"""

from __future__ import annotations

import gettext
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)


def _compiled(po: Path) -> dict:
    """The catalogue as Django will read it, compiled from the .po by msgfmt."""
    result = subprocess.run([shutil.which("msgfmt") or "msgfmt", "-o", "-", str(po)], capture_output=True, check=True)
    catalog = dict(gettext.GNUTranslations(_BytesFile(result.stdout))._catalog)
    catalog.pop("", None)
    return catalog


class _BytesFile:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self) -> bytes:
        return self.data


def test_every_app_has_a_catalogue() -> None:
    names = {str(po.relative_to(ROOT).parents[3]) for po in CATALOGUES}
    assert names == {
        ".",
        "appointments",
        "archives",
        "campaigns",
        "counseling/cases",
        "counseling/reports",
        "counseling/schoolyear",
    }


def test_no_message_is_translated_two_ways() -> None:
    translations: dict = defaultdict(dict)
    for po in CATALOGUES:
        for key, text in _compiled(po).items():
            translations[key][str(po.relative_to(ROOT))] = text
    conflicts = {
        (key if isinstance(key, str) else key[0]).replace("\x04", " | "): where
        for key, where in translations.items()
        if len(set(where.values())) > 1
    }
    assert conflicts == {}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_catalogue_is_up_to_date(po: Path) -> None:
    """A .po edited without running msgfmt leaves the old words on the pages."""
    with open(po.with_suffix(".mo"), "rb") as handle:
        shipped = dict(gettext.GNUTranslations(handle)._catalog)
    shipped.pop("", None)
    assert shipped == _compiled(po)


def test_our_translation_is_the_one_shown() -> None:
    """Django merges our catalogues with those of every installed library: ours must win."""
    expected: dict = {}
    for po in CATALOGUES:
        expected.update({key: text for key, text in _compiled(po).items() if isinstance(key, str)})
    shown = {}
    with translation.override("zh-hans"):
        for key, text in expected.items():
            context, _sep, msgid = key.rpartition("\x04")
            actual = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if actual != text:
                shown[key.replace("\x04", " | ")] = (actual, text)
    assert shown == {}
