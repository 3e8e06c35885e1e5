"""A window's office slots and closed days, and the office rules, kept in the shared cache for pages.

The agenda draws every slot of the opening hours on each request, though schedules, extra sessions,
closed days and terms change a few times a term: reading and cutting them cost three queries and
about a fifth of the week page's CPU. With ``settings.SIGNED_IN_CACHE`` (a cache every process shares,
see counseling.settings) they are kept under one stamp, which any save or delete of a weekly
schedule, an extra session, a closed day, a term or a counselor's name, and any save of the office
rules, bumps — at once and again after the transaction commits, so a request that read the old
rows just before cannot store them under the new stamp. Entries also expire after HOURS_SECONDS, which bounds a bump lost while the
cache was unreachable.

What is cached is not confidential: opening hours, rooms, closed days (their reason is shown
publicly) and counselors' names (on the public office page). Counselors are cached with their id
and names only. Booking never reads this cache: it checks the slot and the rules in the database
(``booking.check_slot``, ``booking.book``), so a slot shown moments after it was removed cannot be
booked. The office rules are changed through their form (a save); a bulk ``update()`` of them must
call ``forget_hours()``.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.conf import settings
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from appointments.models import ClosedDay, ExtraSession, OfficeRules, WeeklySchedule
from appointments.services.slots import Slot, office_slots
from counseling.enums import Role
from counseling.models import Term, User
from counseling.services import signedin

HOURS_SECONDS = 10 * 60
_STAMP = "appointments:hours:stamp"
# A name's fields only: a cached counselor never carries their password hash or e-mail address.
_NAME_FIELDS = ("name", "username")


def _key(first: datetime.date, last: datetime.date, ids: list[int] | None) -> str:
    who = "all" if ids is None else ",".join(str(pk) for pk in sorted(ids))
    return f"appointments:hours:v1:{first.isoformat()}:{last.isoformat()}:{who}"


def _load(first: datetime.date, last: datetime.date, ids: list[int] | None) -> tuple[list[Slot], list[ClosedDay]]:
    closures = ClosedDay.objects.filter(start_date__lte=last, end_date__gte=first).select_related("counselor")
    if ids is not None:
        closures = closures.filter(Q(counselor__isnull=True) | Q(counselor_id__in=ids))
    counselor_names = (f"counselor__{field}" for field in _NAME_FIELDS)
    closures = list(closures.only("start_date", "end_date", "counselor_id", "reason", *counselor_names))
    slots = office_slots(first, last, ids, closures=closures)
    counselors = User.objects.filter(pk__in={slot.counselor_id for slot in slots}).only(*_NAME_FIELDS)
    named = {user.pk: user for user in counselors}
    return [dataclasses.replace(slot, counselor=named[slot.counselor_id]) for slot in slots], closures


def window_hours(
    first: datetime.date, last: datetime.date, counselor_ids: list[int] | None
) -> tuple[list[Slot], list[ClosedDay]]:
    """Every office slot from ``first`` to ``last`` and the window's closed days (``office_slots`` and
    ``closed_days`` with the same arguments), from the shared cache when there is one.

    Slots and closed days name their counselor with a ``User`` that holds only its id and names.
    """
    ids = None if counselor_ids is None else list(counselor_ids)
    if not settings.SIGNED_IN_CACHE:
        return _load(first, last, ids)
    return signedin.stamped(_key(first, last, ids), [_STAMP], lambda: _load(first, last, ids), HOURS_SECONDS)


def office_rules() -> OfficeRules:
    """The office rules as a page shows them, from the shared cache when there is one.

    For showing only: whatever books, moves or reminds reads the row itself (``OfficeRules.load``).
    """
    if not settings.SIGNED_IN_CACHE:
        return OfficeRules.load()
    return signedin.stamped("appointments:hours:v1:rules", [_STAMP], OfficeRules.load, HOURS_SECONDS)


def forget_hours() -> None:
    """The next agenda reads opening hours and closed days from the database again."""
    signedin.bump(_STAMP)


@receiver(post_save, sender=WeeklySchedule)
@receiver(post_delete, sender=WeeklySchedule)
@receiver(post_save, sender=ExtraSession)
@receiver(post_delete, sender=ExtraSession)
@receiver(post_save, sender=ClosedDay)
@receiver(post_delete, sender=ClosedDay)
@receiver(post_save, sender=Term)
@receiver(post_delete, sender=Term)
@receiver(post_save, sender=OfficeRules)
def _hours_changed(sender, **kwargs) -> None:
    forget_hours()


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _counselor_changed(sender, instance: User, update_fields=None, **kwargs) -> None:
    # A cached slot or closed day shows its counselor's name; a student has neither, and a sign-in
    # saves only the last sign-in time.
    if instance.role == Role.STUDENT or (update_fields is not None and not set(_NAME_FIELDS) & set(update_fields)):
        return
    forget_hours()
