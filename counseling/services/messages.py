"""Messages stored untranslated and rendered in the reader's language.

A notice is written once but read later, by someone whose language may not be the school's: so
the outbox and the notifications keep the message id and its arguments (JSON), and the page
translates them when it is shown. The text columns keep a copy in the school's language (for
the e-mail-free channels that need plain text: admin, exports of old rows, drills).

    Msg(gettext_noop("Appointment booked: %(when)s with %(counselor)s"), when=starts_at, counselor=name)
    Msg.ngettext("%(count)d item waiting", "%(count)d items waiting", count=3)
    Msg.pgettext("task", "due")

The constructors are named like Django's translation functions on purpose: xgettext (behind
``makemessages``) matches a call by its name, so ``Msg.ngettext(...)`` and ``Msg.pgettext(...)``
strings land in the catalogues as plural and context entries, and ``gettext_noop`` marks the rest.

An argument is plain text or a number (names, counts: stored as they are), a lazy translatable
string (``gettext_lazy``/``pgettext_lazy``, e.g. a choice label: stored as its message id), another
``Msg``, a date or datetime (stored as ISO, shown with the reader's named format), a ``Formatted``
(a date or datetime with another named format), or a ``Joined`` list of such parts.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.functional import Promise

log = logging.getLogger(__name__)

DATE_FORMAT = "SHORT_DATE_FORMAT"
DATETIME_FORMAT = "SHORT_DATETIME_FORMAT"


@dataclass(frozen=True)
class Formatted:
    """A date or datetime shown with a named format (``"TIME_FORMAT"``, ``"DATE_FORMAT"`` ...)."""

    value: datetime.date
    format: str


class Joined:
    """Parts shown one after another with ``separator`` (each line of a digest, "time · room")."""

    def __init__(self, parts, separator: str = "\n", bullet: str = "") -> None:
        self.parts = [part for part in parts if part not in (None, "")]
        self.separator = separator
        self.bullet = bullet

    def as_data(self) -> dict:
        return {"join": self.separator, "bullet": self.bullet, "parts": [_arg_data(part) for part in self.parts]}

    def __str__(self) -> str:
        return render(self.as_data())


class Msg:
    """One translatable message with its arguments, kept untranslated until it is shown."""

    def __init__(
        self,
        msgid: str,
        /,
        *,
        context: str | None = None,
        plural: str | None = None,
        **args: Any,
    ) -> None:
        if not isinstance(msgid, str) or isinstance(msgid, Promise):
            raise TypeError("Msg takes the message id itself (marked with gettext_noop), not a translated string")
        if plural is not None and not isinstance(args.get("count"), int):
            raise TypeError("a plural Msg needs an integer count argument")
        self.msgid = msgid
        self.context = context
        self.plural = plural
        self.args = args

    @classmethod
    def ngettext(cls, singular: str, plural: str, /, **args: Any) -> Msg:
        """A message with a plural form, chosen by the ``count`` argument."""
        return cls(singular, plural=plural, **args)

    @classmethod
    def pgettext(cls, context: str, msgid: str, /, **args: Any) -> Msg:
        return cls(msgid, context=context, **args)

    def as_data(self) -> dict:
        data: dict[str, Any] = {"id": self.msgid}
        if self.context:
            data["ctx"] = self.context
        if self.plural is not None:
            data["plural"] = self.plural
        if self.args:
            data["args"] = {name: _arg_data(value) for name, value in self.args.items()}
        return data

    def __str__(self) -> str:
        """The message in the active language."""
        return render(self.as_data())

    def __repr__(self) -> str:
        return f"Msg({self.msgid!r}, {self.args!r})"


def choice_label(choices: type, value: Any) -> Any:
    """The lazy label of ``value`` in a TextChoices enum (shown translated), or the value itself."""
    return choices(value).label if value in choices.values else value


def as_data(message) -> dict | None:
    """What a message field stores: the message's JSON, or None for plain text (old callers)."""
    if isinstance(message, (Msg, Joined)):
        return message.as_data()
    return None


def _lazy_data(value: Promise) -> dict:
    """A ``gettext_lazy``/``pgettext_lazy`` string as its message id (from the proxy's pickling recipe)."""
    _unpickle, (function, args, kwargs, *_classes) = value.__reduce__()
    if function is translation.gettext and len(args) == 1 and not kwargs:
        return {"id": args[0]}
    if function is translation.pgettext and len(args) == 2 and not kwargs:
        return {"id": args[1], "ctx": args[0]}
    raise TypeError(f"cannot store the lazy string {value!r}: only gettext_lazy and pgettext_lazy strings")


def _arg_data(value: Any) -> Any:
    if isinstance(value, (Msg, Joined)):
        return value.as_data()
    if isinstance(value, Promise):
        return _lazy_data(value)
    if isinstance(value, Formatted):
        return _date_data(value.value, value.format)
    if isinstance(value, datetime.datetime):
        return _date_data(value, DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return _date_data(value, DATE_FORMAT)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    # Names (a User prints as their name), rooms, titles typed by staff: shown as they are.
    return str(value)


def _date_data(value: datetime.date, format_name: str) -> dict:
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat(), "fmt": format_name}
    return {"date": value.isoformat(), "fmt": format_name}


def render(data: Any) -> str:
    """A stored message (or argument) in the active language.

    A translation whose placeholders do not fit the arguments falls back to the English text,
    and that to the bare message id: a page never fails because of one notice.
    """
    if isinstance(data, dict):
        if "id" in data:
            return _render_message(data)
        if "join" in data:
            bullet = data.get("bullet", "")
            return data["join"].join(f"{bullet}{render(part)}" for part in data.get("parts", []))
        if "datetime" in data:
            moment = datetime.datetime.fromisoformat(data["datetime"])
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, data.get("fmt") or DATETIME_FORMAT)
        if "date" in data:
            return formats.date_format(datetime.date.fromisoformat(data["date"]), data.get("fmt") or DATE_FORMAT)
        return ""
    if data is None:
        return ""
    return str(data)


def _render_message(data: dict) -> str:
    msgid, context, plural = data["id"], data.get("ctx"), data.get("plural")
    raw_args = data.get("args") or {}
    args = {name: value if isinstance(value, (int, float)) else render(value) for name, value in raw_args.items()}
    if plural is not None:
        count = raw_args.get("count", 1)
        if context:
            text = translation.npgettext(context, msgid, plural, count)
        else:
            text = translation.ngettext(msgid, plural, count)
        source = msgid if count == 1 else plural
    else:
        text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
        source = msgid
    if not args:
        return text
    for template in (text, source):
        try:
            return template % args
        except (KeyError, ValueError, TypeError):
            log.warning("notice text %r does not fit its arguments", msgid)
    return source
