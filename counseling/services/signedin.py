"""What every signed-in request needs before its page: the user and their unread count, from the cache.

With ``settings.SIGNED_IN_CACHE`` (a cache every process shares) a signed-in request reads neither
from the database. Each cached entry carries the stamps it was read under; forgetting bumps a stamp
(the stamp key is deleted, and a new one drawn on the next read), so every older entry is ignored:

- the user (with their student profile, class and grade): the user's own stamp, bumped by any save or
  delete of the user or their student profile (role, deactivation, password, name, last sign-in), by
  a save of their class or grade, by signing out, and by ``forget_user``; and the directory's stamp,
  bumped when a class or grade is deleted and by ``forget_everyone`` (the new-year rollover's bulk
  updates);
- the unread count: its own stamp, bumped when a notification is saved (created, or read) and by
  ``forget_unread`` — which whoever marks notifications read or creates them in bulk
  (``QuerySet.update``, ``bulk_create``: no signals) must call.

A stamp is bumped at once and again after the transaction commits, so a request that read the
database before the commit cannot leave its old copy under the new stamp. Entries also expire after
a few minutes, which bounds the harm of an invalidation lost while the cache was unreachable.
Nothing confidential is cached here: a person's account and a count.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from counseling.models import Grade, Notification, SchoolClass, StudentProfile, Term, User

USER_SECONDS = 5 * 60
UNREAD_SECONDS = 5 * 60
STAMP_SECONDS = 24 * 60 * 60
_DIRECTORY_STAMP = "signedin:directory:stamp"
_TERM_KEY = "signedin:term"
_TERM_STAMP = "signedin:term:stamp"
TERM_SECONDS = 10 * 60
# What the cache held for a user's unread count and the current term when their account was read
# (one round trip for all three): {key: value} for the keys looked up, each taken once.
_PREFETCHED = "_signedin_prefetched"


@functools.cache
def _shape() -> str:
    """A digest of the cached models' columns: a deploy that changes them never reads an old copy."""
    names = [
        f"{model.__name__}.{field.attname}"
        for model in (User, StudentProfile, SchoolClass, Grade)
        for field in model._meta.concrete_fields
    ]
    return hashlib.sha256(",".join(names).encode()).hexdigest()[:12]


def _user_key(user_id: int) -> str:
    return f"signedin:user:{_shape()}:{user_id}"


def _user_stamp(user_id: int) -> str:
    return f"signedin:user:{user_id}:stamp"


def _unread_key(user_id: int) -> str:
    return f"signedin:unread:{user_id}"


def _unread_stamp(user_id: int) -> str:
    return f"signedin:unread:{user_id}:stamp"


def stamped(key: str, stamp_keys: list[str], load: Callable[[], Any], timeout: int, found: dict | None = None) -> Any:
    """The value cached at ``key`` if it was stored under the current stamps, else ``load()`` (stored).

    The shared cache's way of keeping what the database holds (this module's entries, and other
    apps' such as appointments.services.hours_cache): ``bump`` a stamp and every entry stored under
    it is read again.

    One cache round trip on a hit, none if ``found`` already holds what the cache had for ``key``
    and its stamps. A stamp is read before the database, so a value read just before a change is
    stored under the stamp that the change then bumps.
    """
    if found is None:
        found = cache.get_many([key, *stamp_keys])
    stamps = []
    for stamp_key in stamp_keys:
        stamp = found.get(stamp_key)
        if stamp is None:
            stamp = secrets.token_hex(8)
            if not cache.add(stamp_key, stamp, STAMP_SECONDS):
                stamp = cache.get(stamp_key, stamp)
        stamps.append(stamp)
    entry = found.get(key)
    if entry is not None and entry[0] == stamps:
        return entry[1]
    value = load()
    cache.set(key, (stamps, value), timeout)
    return value


def bump(*stamp_keys: str) -> None:
    if not settings.SIGNED_IN_CACHE:
        return
    cache.delete_many(stamp_keys)
    # Outside a transaction this runs at once; inside, once the change is visible to other requests.
    transaction.on_commit(lambda: cache.delete_many(stamp_keys))


def _load_user(user_id: int) -> User | None:
    return User._default_manager.select_related("student_profile__school_class__grade").filter(pk=user_id).first()


def signed_in_user(user_id: int) -> User | None:
    """The user with their student profile, class and grade (None if there is no such user).

    From the cache with SIGNED_IN_CACHE; whether they may still sign in is the caller's question.
    """
    if not settings.SIGNED_IN_CACHE:
        return _load_user(user_id)
    # The unread count (every page's menu) and the current term (every home page) come in the same
    # round trip.
    user_keys = [_user_key(user_id), _user_stamp(user_id), _DIRECTORY_STAMP]
    also = [_unread_key(user_id), _unread_stamp(user_id), _TERM_KEY, _TERM_STAMP]
    found = cache.get_many(user_keys + also)
    user = stamped(user_keys[0], user_keys[1:], lambda: _load_user(user_id), USER_SECONDS, found)
    if user is not None:
        # Set after the user is cached, so only this request's copy carries it.
        setattr(user, _PREFETCHED, {key: found.get(key) for key in also})
    return user


def may_have_unread(user: User) -> bool:
    """Whether ``user`` may have unread notifications, for a page that lists them: with the
    signed-in cache, the count read with the user (peeked, so the menu still has it); without it,
    True — counting first would be one more query than listing."""
    return not settings.SIGNED_IN_CACHE or bool(unread_count(user, peek=True))


def _take_prefetched(user: User | None, keys: list[str], *, peek: bool = False) -> dict | None:
    """What signed_in_user read for ``keys``, once; None if it did not (``user`` may be a lazy proxy).

    Taken once: a second call in the same request reads the cache again, so a change made by the
    request itself (a notification read) is seen.
    """
    kept = getattr(user, _PREFETCHED, None) if user is not None else None
    if not kept or any(key not in kept for key in keys):
        return None
    taken = {key: kept[key] if peek else kept.pop(key) for key in keys}
    return {key: value for key, value in taken.items() if value is not None}


def unread_count(user: User, *, peek: bool = False) -> int:
    """How many of ``user``'s notifications are unread (the badge in the menu).

    ``peek``: use what signed_in_user read without taking it, so the menu, drawn later in the same
    request, does not ask the cache again (the home page asks first, to skip its unread list).
    """
    if not settings.SIGNED_IN_CACHE:
        return user.notifications.unread().count()
    keys = [_unread_key(user.pk), _unread_stamp(user.pk)]
    found = _take_prefetched(user, keys, peek=peek)
    return stamped(keys[0], keys[1:], lambda: user.notifications.unread().count(), UNREAD_SECONDS, found)


def _load_term() -> dict | None:
    # At most one term is current (a constraint): no ordering needed.
    return next(iter(Term.objects.filter(is_current=True).order_by().values("name", "start", "end")[:1]), None)


def current_term(user: User | None = None) -> dict | None:
    """The current term's name, start and end (None: no term is current), as the home page shows it.

    ``user``: the signed-in user, whose account was read with what the cache held for the term.

    From the cache with SIGNED_IN_CACHE, under a stamp that a save or deletion of a term bumps, and
    ``forget_current_term``, which whatever makes a term current with ``QuerySet.update`` must call.
    """
    if not settings.SIGNED_IN_CACHE:
        return _load_term()
    return stamped(_TERM_KEY, [_TERM_STAMP], _load_term, TERM_SECONDS, _take_prefetched(user, [_TERM_KEY, _TERM_STAMP]))


def forget_current_term() -> None:
    """The next page reads the current term from the database."""
    bump(_TERM_STAMP)


def forget_user(user_id: int) -> None:
    """The next request of this user reads their account from the database."""
    bump(_user_stamp(user_id))


def forget_users(user_ids: Iterable[int]) -> None:
    """The next request of each of these users reads their account from the database."""
    stamps = [_user_stamp(user_id) for user_id in user_ids] if settings.SIGNED_IN_CACHE else []
    if stamps:
        bump(*stamps)


def forget_everyone() -> None:
    """Every user's next request reads their account from the database (classes, grades, bulk updates)."""
    bump(_DIRECTORY_STAMP)


def forget_unread(user_id: int) -> None:
    """The next page of this user counts their unread notifications again."""
    bump(_unread_stamp(user_id))


@receiver(post_save, sender=User)
@receiver(post_delete, sender=User)
def _user_changed(sender, instance: User, **kwargs) -> None:
    forget_user(instance.pk)


@receiver(post_save, sender=StudentProfile)
@receiver(post_delete, sender=StudentProfile)
def _profile_changed(sender, instance: StudentProfile, **kwargs) -> None:
    forget_user(instance.user_id)


@receiver(post_save, sender=SchoolClass)
def _class_changed(sender, instance: SchoolClass, **kwargs) -> None:
    # Its students carry it (a new class has none); the teacher's own account does not change.
    forget_users(StudentProfile.objects.filter(school_class_id=instance.pk).values_list("user_id", flat=True))


@receiver(post_save, sender=Grade)
def _grade_changed(sender, instance: Grade, **kwargs) -> None:
    forget_users(StudentProfile.objects.filter(school_class__grade_id=instance.pk).values_list("user_id", flat=True))


@receiver(post_delete, sender=SchoolClass)
@receiver(post_delete, sender=Grade)
def _directory_removed(sender, **kwargs) -> None:
    forget_everyone()


@receiver(post_save, sender=Term)
@receiver(post_delete, sender=Term)
def _term_changed(sender, **kwargs) -> None:
    forget_current_term()


@receiver(post_save, sender=Notification)
def _notification_saved(sender, instance: Notification, **kwargs) -> None:
    forget_unread(instance.user_id)


@receiver(user_logged_out)
def _signed_out(sender, user: User | None, **kwargs) -> None:
    if user is not None:
        forget_user(user.pk)
