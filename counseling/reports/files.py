"""A report version's files (the PDF and the spreadsheet), rendered once and kept in the storage.

On several machines the worker that builds a version also renders its files, in the school's
language, into the storage every host reads (the bucket with ``S3_BUCKET``, else ``MEDIA_ROOT``):
a web host then streams them instead of running WeasyPrint inside a request. A file not rendered
yet (another language, a narrative edited since, an installation with no worker) is rendered by
the request that first asks for it and kept for the next reader, whichever host serves them.
(``counseling.reports.services`` queues the rendering task, ``reports.store_files``, by name.)

A file's name carries a digest of everything that can change what it shows: the version's
status, term name, narrative and numbers, the language, and the code and catalogues that draw it. An edit
or an upgrade therefore makes a new name, and a stale file is never served; when a file is
stored, the older ones of the same version, kind and language are removed.

The files hold what the report holds: aggregates and the narrative, no student's name or record.
They are never reached by a link, only through the report views' door (``visible_to``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import get_template
from django.utils import translation

from counseling.hooks import app_hooks
from counseling.reports import layout, render
from counseling.reports.models import SemesterReport
from counseling.services import aggregates, sections
from counseling.storage import open_stream

log = logging.getLogger(__name__)

FOLDER = "reports"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS: dict[str, tuple[str, Callable[[SemesterReport], bytes]]] = {
    "pdf": ("application/pdf", render.pdf_bytes),
    "xlsx": (XLSX, render.xlsx_bytes),
}


def content_type(kind: str) -> str:
    return KINDS[kind][0]


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """A digest of the code, template and catalogues that draw the files (read once per process)."""
    paths = [Path(render.__file__), Path(layout.__file__), Path(sections.__file__), Path(aggregates.__file__)]
    paths += [Path(module.__file__) for _app, module in app_hooks("reporting")]
    paths += sorted(
        mo for folder in settings.LOCALE_PATHS for mo in Path(folder).glob("*/LC_MESSAGES/django.mo")
    )
    digest = hashlib.sha256(get_template("reports/print.html").template.source.encode())
    for path in paths:
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def _language() -> str:
    return re.sub(r"[^a-z-]", "", (translation.get_language() or settings.LANGUAGE_CODE).lower())


def _stem(report: SemesterReport, language: str) -> str:
    return f"v{report.version}-{report.pk}-{language}-"


def stored_name(report: SemesterReport, kind: str) -> str:
    """The storage name of ``report``'s file of ``kind`` in the current language, as it reads now."""
    language = _language()
    state = json.dumps(
        [
            report.status,
            report.term.name,
            report.highlights,
            report.problems,
            report.next_plan,
            report.data,
            language,
            _code_fingerprint(),
        ],
        sort_keys=True,
        default=str,
    )
    digest = hashlib.sha256(state.encode()).hexdigest()[:20]
    return f"{FOLDER}/{report.term_id}/{_stem(report, language)}{digest}.{kind}"


def _remove_older(report: SemesterReport, kind: str, keep: str) -> None:
    folder, _slash, current = keep.rpartition("/")
    try:
        _dirs, names = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    stem = _stem(report, _language())
    for name in names:
        if name != current and name.startswith(stem) and name.endswith(f".{kind}"):
            default_storage.delete(f"{folder}/{name}")


def store(report: SemesterReport, kind: str) -> str:
    """Render ``report``'s file of ``kind`` in the current language unless it is stored already.

    Side effects, in order: renders the file (WeasyPrint or openpyxl), saves it in the default
    storage, removes the older files of the same version, kind and language. Returns its name.
    """
    name = stored_name(report, kind)
    if default_storage.exists(name):
        return name
    data = KINDS[kind][1](report)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:
        # Stored at the same moment by another process: keep one copy.
        default_storage.delete(saved)
    _remove_older(report, kind, name)
    return name


def open_file(report: SemesterReport, kind: str) -> tuple[BinaryIO, int | None]:
    """A stream of ``report``'s file of ``kind`` in the current language and its length (None:
    the stream tells it); rendered and stored first when it is not there yet."""
    try:
        return open_stream(default_storage, stored_name(report, kind))
    except FileNotFoundError:
        return open_stream(default_storage, store(report, kind))


def store_all(report_id: int) -> None:
    """Render and store a ready version's PDF and spreadsheet in the school's language.

    Idempotent (a file already stored is left alone). A version gone or not ready is skipped.
    """
    report = SemesterReport.objects.select_related("term").filter(pk=report_id).first()
    if report is None or not report.is_ready:
        return
    with translation.override(settings.LANGUAGE_CODE):
        for kind in KINDS:
            store(report, kind)
