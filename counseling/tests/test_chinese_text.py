"""Chinese text reads as Chinese (issue 16, item 12).

- Chinese punctuation in Chinese text: no ASCII , ; : ? ! ( ) next to a Chinese character in any
  zh-hans translation (a placeholder such as ``%(name)s``, a time such as 08:00 or an address
  keeps its own characters, and none of them touches a Chinese character).
- One register: the pages a student reads say 你, the pages only staff read say 您. The pages are
  told apart by template (and, for the messages of the student views, by module): a list of the
  student pages below, a list of the pages both read (which must use neither form where they
  address the reader, and are not checked), every other template is a staff page. What each
  template and module asks to translate is read as ``makemessages`` reads it, and translated
  through the live catalogues.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation.template import templatize

from counseling.tests.test_catalogues import CATALOGUES, _compiled

ROOT = Path(settings.BASE_DIR)
CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]"
ASCII_NEXT_TO_CJK = re.compile(rf"{CJK} ?[,;:?!()]|[,;:?!()] ?{CJK}")

STUDENT_TEMPLATES = [
    "appointments/templates/appointments/student/*.html",
    "appointments/templates/appointments/mailbox/write.html",
    "appointments/templates/appointments/mailbox/mine.html",
    "appointments/templates/appointments/panels/student.html",
    "archives/templates/archives/my_surveys.html",
    "archives/templates/archives/survey.html",
    "archives/templates/archives/survey_done.html",
    "archives/templates/archives/survey_unavailable.html",
    "archives/templates/archives/_survey_fields.html",
    "archives/templates/archives/panels/pending_surveys.html",
    "campaigns/templates/campaigns/my_events.html",
    "campaigns/templates/campaigns/panels/registrations.html",
]
STUDENT_MODULES = ["appointments/views/student.py", "archives/views/surveys.py", "campaigns/views/students.py"]
# Read by students and staff alike, or by anyone (public pages): not checked for a register.
SHARED_TEMPLATES = [
    "templates/*.html",
    # A waitlist offer on the home panel of a student and of an adult client alike.
    "appointments/templates/appointments/panels/_offer.html",
    "templates/partials/*.html",
    "templates/registration/*.html",
    "templates/counseling/home.html",
    "templates/counseling/help.html",
    "templates/counseling/privacy.html",
    "templates/counseling/notifications.html",
    "templates/counseling/panels/*.html",
    "appointments/templates/appointments/mailbox/item.html",
    "appointments/templates/appointments/public/*.html",
    "campaigns/templates/campaigns/programme.html",
    "campaigns/templates/campaigns/programme_index.html",
    "counseling/cases/templates/cases/complaint_mine.html",
    # Class teachers and the psychology committee's students both pass on concerns; the lines
    # meant for one of them only are chosen in the template by permission.
    "counseling/cases/templates/cases/concern_mine.html",
    "counseling/cases/templates/cases/concern_status.html",
    "counseling/cases/templates/cases/panels/refer.html",
]


def punctuation_problems(text: str) -> list[str]:
    return [text[max(0, m.start() - 8) : m.end() + 8] for m in ASCII_NEXT_TO_CJK.finditer(text)]


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: str(po.relative_to(ROOT).parents[3]))
def test_chinese_translations_use_chinese_punctuation(po) -> None:
    found = {str(key): problems for key, text in _compiled(po).items() if (problems := punctuation_problems(text))}
    assert found == {}


def test_the_punctuation_check_bites() -> None:
    assert punctuation_problems("结果已公布,评分不能再修改。") == ["结果已公布,评分不能再修改。"]
    assert punctuation_problems("截止时间(%(deadline)s)已过。")
    assert punctuation_problems("删除这张照片?")
    assert punctuation_problems("开放时间 08:00–17:00，第%(line)d行：%(name)s（%(count)s）") == []
    assert punctuation_problems("Results (%(count)s): see https://example.org/a?b=1") == []


def _files(patterns: list[str]) -> set[Path]:
    return {path for pattern in patterns for path in ROOT.glob(pattern)}


def _template_messages(path: Path) -> set[tuple]:
    """What a template asks to translate: ("", msgid), (context, msgid) or ("plural", singular, plural)."""
    return _python_messages(templatize(path.read_text(encoding="utf-8"), origin=str(path)))


def _python_messages(source: str) -> set[tuple]:
    messages = set()
    # templatize pads the template's text with filler letters; only the calls matter.
    calls = re.findall(
        r"\b(?:_|gettext|gettext_lazy|pgettext|pgettext_lazy|ngettext|ngettext_lazy)\((?:[^()]|\([^()]*\))*\)", source
    )
    for call in calls:
        try:
            node = ast.parse(call, mode="eval").body
        except SyntaxError:
            continue
        args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        name = node.func.id
        if name.startswith("pgettext") and len(args) == 2:
            messages.add((args[0], args[1]))
        elif name.startswith("ngettext") and len(args) == 2:
            messages.add(("plural", args[0], args[1]))
        elif len(args) == 1:
            messages.add(("", args[0]))
    return messages


def _module_messages(path: Path) -> set[tuple]:
    """What a Python module asks to translate (implicitly joined strings read whole)."""
    messages = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        args = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if node.func.id in ("_", "gettext", "gettext_lazy") and len(args) == 1:
            messages.add(("", args[0]))
        elif node.func.id in ("pgettext", "pgettext_lazy") and len(args) == 2:
            messages.add((args[0], args[1]))
        elif node.func.id in ("ngettext", "ngettext_lazy") and len(args) == 2:
            messages.add(("plural", args[0], args[1]))
    return messages


def _translated(message: tuple) -> str:
    with translation.override("zh-hans"):
        if message[0] == "plural":
            return translation.ngettext(message[1], message[2], 1) + translation.ngettext(message[1], message[2], 2)
        if message[0]:
            return translation.pgettext(message[0], message[1])
        return translation.gettext(message[1])


def _messages_by_audience() -> tuple[set[tuple], set[tuple]]:
    templates = {
        path
        for path in ROOT.glob("**/templates/**/*.html")
        if not {".venv", "node_modules"} & set(path.relative_to(ROOT).parts)
    }
    student_files = _files(STUDENT_TEMPLATES)
    assert len(student_files) >= 14
    shared = _files(SHARED_TEMPLATES)
    student, staff = set(), set()
    for path in templates:
        if path in student_files:
            student |= _template_messages(path)
        elif path not in shared:
            staff |= _template_messages(path)
    for module in STUDENT_MODULES:
        student |= _module_messages(ROOT / module)
    return student, staff - student


def test_student_pages_say_ni_and_staff_pages_say_nin() -> None:
    student, staff = _messages_by_audience()
    assert len(student) > 80 and len(staff) > 500
    formal_to_students = {m[-1]: text for m in student if "您" in (text := _translated(m))}
    informal_to_staff = {m[-1]: text for m in staff if "你" in (text := _translated(m))}
    assert formal_to_students == {}
    assert informal_to_staff == {}


def test_the_register_check_reads_what_a_template_translates() -> None:
    page = (
        '{% load i18n %}<h1>{% translate "My appointments" %}</h1>'
        "{% blocktranslate with deadline=d %}We hold it for you until {{ deadline }}.{% endblocktranslate %}"
        '{% translate "Open" context "risk signal" %}'
    )
    assert _python_messages(templatize(page)) == {
        ("", "My appointments"),
        ("", "We hold it for you until %(deadline)s."),
        ("risk signal", "Open"),
    }
