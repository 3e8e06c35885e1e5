"""The district office's cross-school counts (issue 19 §2 aggregates, §3 district screenings).

Each school's counts come from its apps' ``reporting`` modules (``district_figures``,
``district_screening_figures``): a fixed handful of aggregate queries per school, whatever its
size. A school's figures for a period are kept in the cache for ``CACHE_SECONDS`` (in the school's
own cache namespace): the district page is read a few times in a row while an officer compares
schools, and five-minute-old counts are fresh enough for a comparison; no nightly task to run.

Every count is published through the semester summary's disclosure control
(counseling.services.aggregates): the schools' cells and the district totals are one sheet, with
the relations a reader knows (a total is the sum of the schools, students screened are at most those
enrolled, ...), so small counts and counts that would give them back show as "*". Nothing here
names a student or carries an answer.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django_tenants.utils import schema_context

from appointments import reporting as appointments_reporting
from archives import reporting as archives_reporting
from archives.contract import builtin_instruments
from counseling.cases import reporting as cases_reporting
from counseling.district.models import School, ScreeningTemplate
from counseling.district.services.schools import schools
from counseling.services.aggregates import HIDDEN, Ref, Sheet, publish

CACHE_SECONDS = 5 * 60
MEASURES = ("screened", "enrolled", "sessions", "crises", "zero_reported", "zero_expected")
# The columns of the page, in order (the template heads them the same way).
OVERVIEW_COLUMNS = (
    "screened", "enrolled", "screened/enrolled", "sessions", "crises", "zero_reported", "zero_expected", "zero_reported/zero_expected"
)


@dataclass
class Row:
    name: str
    cells: list = field(default_factory=list)
    started: bool = True
    phase: str = ""


def school_figures(school: School, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """One school's counts for ``start``..``end`` (cached for a few minutes in the school's namespace)."""
    key = f"district:figures:{start.isoformat()}:{end.isoformat()}"
    with schema_context(school.schema_name):
        found = cache.get(key)
        if found is None:
            found = {
                **archives_reporting.district_figures(start, end),
                **appointments_reporting.district_figures(start, end),
                **cases_reporting.district_figures(start, end),
            }
            cache.set(key, found, CACHE_SECONDS)
    return found


def _share(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def _ratio(sheet: Sheet, prefix: str, part: str, whole: str, values: dict) -> None:
    sheet.at_most(f"{prefix}:{whole}", [f"{prefix}:{part}"])
    sheet.derived(
        f"{prefix}:{part}/{whole}", _share(values[part], values[whole]), [f"{prefix}:{part}", f"{prefix}:{whole}"]
    )


def overview(start: datetime.date, end: datetime.date) -> tuple[list[Row], Row]:
    """Per school and for the district: screening coverage, sessions, crises and zero-report completion, published."""
    every = schools()
    figures = {school.schema_name: school_figures(school, start, end) for school in every}
    sheet = Sheet()
    totals = {measure: sum(f[measure] for f in figures.values()) for measure in MEASURES}
    for prefix, values in [*figures.items(), ("__district__", totals)]:
        for measure in MEASURES:
            sheet.count(f"{prefix}:{measure}", values[measure])
        _ratio(sheet, prefix, "screened", "enrolled", values)
        _ratio(sheet, prefix, "zero_reported", "zero_expected", values)
    for measure in MEASURES:
        sheet.total(f"__district__:{measure}", [f"{name}:{measure}" for name in figures])
    shown = sheet.protect()
    rows = [Row(school.name, [shown[f"{school.schema_name}:{k}"] for k in OVERVIEW_COLUMNS]) for school in every]
    return rows, Row("", [shown[f"__district__:{k}"] for k in OVERVIEW_COLUMNS])


def instrument_of(template: ScreeningTemplate):
    return next((i for i in builtin_instruments() if i.code == template.instrument_code), None)


def screening_overview(template: ScreeningTemplate) -> tuple[list[tuple[str, str]], list[Row], Row]:
    """Per school: whether it runs ``template`` (its phase), invited, answered, coverage and the
    answer sheets by band; and the district totals over the schools that run it; all published.

    Returns the bands (code, label), the schools' rows and the total row.
    """
    instrument = instrument_of(template)
    bands = list(instrument.bands) if instrument else []
    sheet = Sheet()
    rows: list[Row] = []
    started: list[str] = []
    totals = {"invited": 0, "answered": 0, **{f"band:{code}": 0 for code, _label in bands}}
    columns = ["invited", "answered", "answered/invited", *(f"band:{code}" for code, _label in bands)]
    for school in schools():
        with schema_context(school.schema_name):
            found = archives_reporting.district_screening_figures(template.pk)
        if found is None:
            rows.append(Row(school.name, started=False))
            continue
        prefix = school.schema_name
        started.append(prefix)
        by_band = dict(found["bands"])
        values = {
            "invited": found["invited"],
            "answered": found["answered"],
            **{f"band:{code}": by_band.get(code, 0) for code, _label in bands},
        }
        for key, value in values.items():
            sheet.count(f"{prefix}:{key}", value)
            totals[key] += value
        _ratio(sheet, prefix, "answered", "invited", values)
        sheet.at_most(f"{prefix}:answered", [f"{prefix}:band:{code}" for code, _label in bands])
        rows.append(Row(school.name, [Ref(f"{prefix}:{key}") for key in columns], phase=found["phase"]))
    for key, value in totals.items():
        sheet.count(f"__district__:{key}", value)
        sheet.total(f"__district__:{key}", [f"{prefix}:{key}" for prefix in started])
    _ratio(sheet, "__district__", "answered", "invited", totals)
    sheet.at_most("__district__:answered", [f"__district__:band:{code}" for code, _label in bands])
    shown = sheet.protect()
    for row in rows:
        row.cells = [publish(ref, shown) for ref in row.cells]
    total = Row("", [shown.get(f"__district__:{key}", HIDDEN) for key in columns])
    return bands, rows, total

