"""Hot read queries built and compiled once per process, then run again with new values.

Building a queryset and compiling it to SQL costs 0.3–0.7 ms of Python a query — more than
PostgreSQL takes to answer most of ours, and about half of a page's CPU. ``rows()`` does that
work once for each form of a query and afterwards only puts the new values into the same SQL::

    prepared.rows(
        "appointments.home.upcoming",
        lambda user, now: Appointment.objects.visible_to(user).filter(starts_at__gt=now).values_list("pk")[:3],
        shape=(Appointment.objects.scope_of(user),),
        user=user,
        now=now,
    )

``build`` is called with stand-ins, never with the caller's values: each value (an int, a
datetime, a date, a string, a model instance or a list of ints) is replaced by a marker of the
same type, and the compiled SQL's parameters are matched back to the markers. A model instance's
stand-in is a copy with nothing related loaded whose pk and every id, date and time field is a
marker, so whichever of them the query uses is put in afresh at each call. Everything that
changes the *form* of the query rather than a value in it — which branch of a scoped door a user
takes, whether a filter applies at all, a ``None`` — goes into ``shape``; a list's length is added
to it here.

Safe by construction, and checked:

- The query is built and compiled twice, with two sets of markers. The SQL must come out the
  same, and every parameter must be either the same in both (a constant of the query) or the
  marker of one value in each; anything else — a value computed from a marker inside ``build``,
  the clock read inside it — is refused.
- A constant equal to a text field of an instance passed in (a name, a user name) is refused: it
  would be that person's data built into SQL that every later caller reuses.
- The first caller's own build is compiled too, once, and must give the kept SQL and the same
  parameters: a stand-in that took another way through a door than the caller is refused.
- With ``settings.PREPARED_QUERIES_CHECK`` (on in the tests and with DEBUG) every call also builds
  and compiles the query from the real values and raises when that differs from what was kept: a
  ``shape`` that leaves out something the query depends on (a role, a flag) fails the first test
  that meets both forms.
- A refused query raises ``PreparedQueryError`` in the tests; in production it is logged (its
  name only) and runs as the plain queryset it is, never kept: slower, never wrong.

Only ``values()`` and ``values_list()`` querysets (rows, not model instances) are kept. Each query
still goes through ``connection.cursor()``: it is logged, counted and run in the caller's
transaction like any other. A few hundred forms at most are kept per process.

django-prepared-queries (rutube, 2016) did this for Django 1.x and is not maintained; its approach
(substituting parameters by position) is the same idea, written here against Django 5.2's compiler.
"""

from __future__ import annotations

import copy
import datetime
import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models.query import FlatValuesListIterable, ValuesIterable, ValuesListIterable

MAX_KEPT = 512
logger = logging.getLogger(__name__)


class PreparedQueryError(RuntimeError):
    """A query that cannot be kept safely, or one whose kept form no longer matches its build."""


@dataclass(frozen=True)
class _Slot:
    """Where a parameter's value comes from: a value, an item of a list value (``index`` an int), an
    instance's pk (None) or another of its fields (``index`` its attname); ``adapt``: the database's
    conversion Django applied to it (None: passed as it is)."""

    name: str
    index: int | str | None
    adapt: Callable[[Any], Any] | None


@dataclass
class _Kept:
    sql: str
    params: list[Any]  # constants; the slots' positions are filled at each call
    slots: list[tuple[int, _Slot]]
    alias: str
    names: list[str]
    kind: type
    converters: list[tuple[int, list, Any]]
    col_count: int | None
    number: int = 0  # its name as a PostgreSQL prepared statement (cq_<number>), given when kept


_kept: dict[tuple, _Kept] = {}
# Forms that could not be kept (production only: the tests raise): they run as plain querysets.
_refused: set[tuple] = set()


def forget() -> None:
    """Drop every kept query (tests; a migration that changes a table's columns restarts the processes anyway)."""
    _kept.clear()
    _refused.clear()


# Two sets of stand-ins, far from any real value: ids above two billion, instants in 1901 and 1902.
_BASES = (
    {"int": 2_100_000_001, "year": 1901, "text": "\x01prepared-a-"},
    {"int": 2_110_000_001, "year": 1902, "text": "\x01prepared-b-"},
)


class _Markers:
    def __init__(self, base: dict) -> None:
        self.base = base
        self.count = itertools.count()
        self.found: dict[Any, tuple[str, int | str | None]] = {}

    def _next(self, name: str, index: int | str | None, value: Any) -> Any:
        n = next(self.count)
        if isinstance(value, bool) or value is None:
            raise PreparedQueryError(f"{name}: a bool or None changes the query's form; put it in shape")
        if isinstance(value, int):
            marker = self.base["int"] + n
        elif isinstance(value, datetime.datetime):
            marker = datetime.datetime(self.base["year"], 1, 1, tzinfo=value.tzinfo) + datetime.timedelta(seconds=n)
        elif isinstance(value, datetime.date):
            marker = datetime.date(self.base["year"], 1, 1) + datetime.timedelta(days=n)
        elif isinstance(value, str):
            marker = f"{self.base['text']}{n}"
        else:
            raise PreparedQueryError(f"{name}: values of type {type(value).__name__} cannot be prepared")
        self.found[marker] = (name, index)
        return marker

    def stand_in(self, name: str, value: Any) -> Any:
        if isinstance(value, models.Model):
            if value.pk is None:
                raise PreparedQueryError(f"{name}: an unsaved instance")
            # A copy with nothing related loaded, whose pk and every id, date and time field is a
            # marker: whatever of them the query uses becomes a value put in at each call.
            double = copy.copy(value)
            double._state.fields_cache = {}
            double.pk = self._next(name, None, value.pk)
            for field in value._meta.concrete_fields:
                item = getattr(value, field.attname, None)
                if field.primary_key or isinstance(item, bool) or item is None:
                    continue
                if isinstance(item, (int, datetime.date)):
                    setattr(double, field.attname, self._next(name, field.attname, item))
            return double
        if isinstance(value, (list, tuple)):
            return [self._next(name, i, item) for i, item in enumerate(value)]
        return self._next(name, None, value)


def _compile(queryset: models.QuerySet) -> tuple[str, list, Any, type]:
    """The query's SQL, parameters, compiler and rows' kind (dicts, tuples or flat values)."""
    if queryset._iterable_class not in (ValuesIterable, ValuesListIterable, FlatValuesListIterable):
        raise PreparedQueryError("only values() and values_list() querysets can be prepared")
    if queryset.query.extra_select:
        raise PreparedQueryError("extra() selects cannot be prepared")
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    return sql, list(params), compiler, queryset._iterable_class


def _adapters(connection) -> list[Callable[[Any], Any]]:
    ops = connection.ops
    return [ops.adapt_datetimefield_value, ops.adapt_datefield_value]


def _match(param: Any, markers: _Markers, connection) -> tuple[tuple[str, int | None], Callable | None] | None:
    try:
        if param in markers.found:
            return markers.found[param], None
    except TypeError:  # unhashable
        return None
    for marker, where in markers.found.items():
        if isinstance(marker, (datetime.date, datetime.datetime)):
            for adapt in _adapters(connection):
                try:
                    if adapt(marker) == param and not isinstance(param, type(marker)):
                        return where, adapt
                except (TypeError, ValueError, AttributeError):
                    continue
    return None


def _instance_texts(values: dict) -> set:
    """The text fields of the model instances among ``values`` (a name, a user name), but those
    holding one of a few choices (a role): their other fields are markers in the stand-ins."""
    seen = set()
    for value in values.values():
        if not isinstance(value, models.Model):
            continue
        for field in value._meta.concrete_fields:
            item = getattr(value, field.attname, None)
            if isinstance(item, str) and item and not field.choices:
                seen.add(item)
    return seen


def _prepare(build: Callable[..., models.QuerySet], values: dict) -> _Kept:
    compiled = []
    for base in _BASES:
        markers = _Markers(base)
        stand_ins = {name: markers.stand_in(name, value) for name, value in values.items()}
        sql, params, compiler, kind = _compile(build(**stand_ins))
        compiled.append((sql, params, compiler, markers))
    (sql_a, params_a, compiler, markers_a), (sql_b, params_b, _c, markers_b) = compiled
    if sql_a != sql_b or len(params_a) != len(params_b):
        raise PreparedQueryError("the query's form depends on a value: put what decides it in shape")
    connection = connections[compiler.using]
    private = _instance_texts(values)
    constants, slots = [], []
    for position, (a, b) in enumerate(zip(params_a, params_b, strict=True)):
        found_a, found_b = _match(a, markers_a, connection), _match(b, markers_b, connection)
        if found_a is not None and found_b is not None and found_a[0] == found_b[0]:
            (name, index), adapt = found_a
            slots.append((position, _Slot(name, index, adapt)))
            constants.append(None)
            continue
        if found_a is not None or found_b is not None or a != b:
            raise PreparedQueryError(
                f"parameter {position} is computed from a value inside build; pass the computed value instead"
            )
        try:
            if a in private:
                raise PreparedQueryError(
                    f"parameter {position} is a field of an instance passed in: it would be kept for every caller"
                )
        except TypeError:
            pass
        constants.append(a)
    query = compiler.query
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    if compiler.has_composite_fields(fields):
        raise PreparedQueryError("composite fields cannot be prepared")
    converters = [(pos, convs, expr) for pos, (convs, expr) in compiler.get_converters(fields).items()]
    return _Kept(
        sql=sql_a,
        params=constants,
        slots=slots,
        alias=compiler.using,
        names=list(query.selected) if query.selected else [*query.values_select, *query.annotation_select],
        kind=kind,
        converters=converters,
        col_count=compiler.col_count if compiler.has_extra_select else None,
    )


def _value(slot: _Slot, values: dict) -> Any:
    value = values[slot.name]
    if isinstance(value, models.Model):
        value = value.pk if slot.index is None else getattr(value, slot.index)
    elif slot.index is not None:
        value = value[slot.index]
    return value if slot.adapt is None else slot.adapt(value)


def _params(kept: _Kept, values: dict) -> list:
    params = list(kept.params)
    for position, slot in kept.slots:
        params[position] = _value(slot, values)
    return params


# --- PostgreSQL's own prepared statements -------------------------------------------------------
#
# PostgreSQL plans a query on every execution; for our narrow queries the planning costs several
# times the execution (0.2–0.4 ms against 0.03–0.06). A kept query that a connection has run
# SERVER_SIDE_AFTER times is PREPAREd on that connection and afterwards EXECUTEd: planned once per
# connection (PostgreSQL re-plans by itself when statistics or the schema change). Only where it is
# safe and pays: PostgreSQL, persistent connections (a connection that lives one request never
# reaches the threshold), outside a transaction block (a failed PREPARE must not abort the caller's
# transaction), and never in a district installation — a prepared statement keeps the tables of the
# schema it was prepared in, and a connection serves one school after another.

SERVER_SIDE_AFTER = 3


@dataclass
class _Session:
    raw: Any  # the DB-API connection the names below were prepared on (kept, so its id is not reused)
    runs: dict[int, int]
    prepared: set[int]


_numbers = itertools.count(1)  # each kept query's statement number in this process


def _placeholders(sql: str) -> str | None:
    """Django's ``%s`` placeholders as ``$1``, ``$2``…, ``%%`` as ``%``; None if anything else follows a ``%``."""
    out, index, number = [], 0, 0
    while True:
        found = sql.find("%", index)
        if found < 0:
            out.append(sql[index:])
            return "".join(out)
        out.append(sql[index:found])
        follower = sql[found + 1 : found + 2]
        if follower == "s":
            number += 1
            out.append(f"${number}")
        elif follower == "%":
            out.append("%")
        else:
            return None
        index = found + 2


def _server_statement(connection, kept: _Kept, cursor) -> str | None:
    """``EXECUTE cq_N(%s, …)`` once the statement is prepared on this connection, else None."""
    if (
        connection.vendor != "postgresql"
        or not getattr(settings, "PREPARED_STATEMENTS", False)
        or getattr(settings, "DISTRICT", False)
        or hasattr(connection, "schema_name")
        or connection.in_atomic_block
    ):
        return None
    raw = connection.connection
    session = getattr(connection, "_kept_statements", None)
    if session is None or session.raw is not raw:
        session = connection._kept_statements = _Session(raw=raw, runs={}, prepared=set())
    number = kept.number
    if number not in session.prepared:
        runs = session.runs[number] = session.runs.get(number, 0) + 1
        if runs < SERVER_SIDE_AFTER:
            return None
        body = _placeholders(kept.sql)
        if body is None:
            return None
        try:
            cursor.execute(f"PREPARE cq_{number} AS {body}")
        except Exception:  # noqa: BLE001 - e.g. a parameter whose type PostgreSQL cannot infer
            logger.warning("prepared query %s: PostgreSQL could not prepare it; it runs as plain SQL", number)
            session.runs[number] = -(10**9)  # never again on this connection
            return None
        session.prepared.add(number)
    if not kept.params:
        return f"EXECUTE cq_{number}"
    return f"EXECUTE cq_{number}({', '.join(['%s'] * len(kept.params))})"


def _verify(name: str, kept: _Kept, build: Callable[..., models.QuerySet], values: dict) -> None:
    sql, fresh, _compiler, _kind = _compile(build(**values))
    if sql != kept.sql or fresh != _params(kept, values):
        raise PreparedQueryError(f"{name}: the kept query differs from a fresh build; is shape complete?")


def rows(name: str, build: Callable[..., models.QuerySet], *, shape: tuple = (), **values: Any) -> list:
    """The rows of ``build(**values)`` as its ``values()``/``values_list()`` would give them.

    ``name`` names the query (one per call site); ``shape`` holds whatever else decides its form.
    """
    lengths = tuple(
        (key, len(value) if isinstance(value, (list, tuple)) else -1) for key, value in sorted(values.items())
    )
    if any(length == 0 for _key, length in lengths):
        return list(build(**values))  # an empty list: Django knows there is nothing to read
    key = (name, shape, lengths)
    check = getattr(settings, "PREPARED_QUERIES_CHECK", False)
    kept = _kept.get(key)
    if kept is None:
        if key in _refused or len(_kept) >= MAX_KEPT:
            return list(build(**values))
        try:
            kept = _prepare(build, values)
            # Once, with the caller's own values: the kept form must be what they would have run.
            _verify(name, kept, build, values)
        except EmptyResultSet:
            # A door shut (``.none()``): Django answers it without the database; nothing to keep.
            return list(build(**values))
        except PreparedQueryError:
            if check:
                raise
            # Never a wrong answer: the query runs as a plain queryset, and is not kept.
            logger.warning("prepared query %s could not be kept; it runs unprepared", name)
            _refused.add(key)
            return list(build(**values))
        kept.number = next(_numbers)
        _kept[key] = kept
    elif check:
        _verify(name, kept, build, values)
    params = _params(kept, values)
    connection = connections[kept.alias]
    with connection.cursor() as cursor:
        statement = _server_statement(connection, kept, cursor)
        if statement is None:
            cursor.execute(kept.sql, params)
        else:
            cursor.execute(statement, params)
        fetched = cursor.fetchall()
    if kept.col_count is not None:
        fetched = [row[: kept.col_count] for row in fetched]
    if kept.converters:
        converted = []
        for row in fetched:
            row = list(row)
            for pos, convs, expr in kept.converters:
                item = row[pos]
                for convert in convs:
                    item = convert(item, expr, connection)
                row[pos] = item
            converted.append(row)
        fetched = converted
    if kept.kind is FlatValuesListIterable:
        return [row[0] for row in fetched]
    if kept.kind is ValuesIterable:
        return [dict(zip(kept.names, row, strict=False)) for row in fetched]
    return [tuple(row) for row in fetched]
