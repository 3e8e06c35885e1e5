"""The session store with SIGNED_IN_CACHE: Django's cached_db, plus a way to note activity cheaply.

A signed-in request reads its session from the cache (no query). The idle timeout needs the time of
the last request, noted once a minute; writing it to the database each time cost three statements
on nearly every request of a real user. ``note_activity`` writes it to the cached copy alone, and
counseling.middleware.IdleTimeoutMiddleware writes the database row every SESSION_PERSIST_SECONDS.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore


class SessionStore(CachedDBStore):
    def note_activity(self, key: str, value: Any) -> None:
        """Set ``key`` in this session and in its cached copy, without saving it to the database.

        The session is not marked modified, so the response writes nothing more; if something else
        modifies it, the whole session (this value included) is saved as usual.
        """
        self._get_session()[key] = value
        self._cache.set(self.cache_key, self._session, self.get_expiry_age())
