"""Django's Redis cache, where Redis being down or slow is a miss, never an error.

Redis holds nothing here that is not also in the database (sessions are cached_db, the signed-in
user and the unread count are read again on a miss), so every page keeps working while Redis is
down, only slower (docs/operations.md: "Redis down"). After a failure this process leaves Redis
alone for RETRY_SECONDS, so a page does not wait for the connection timeout on every call.

A delete that fails is logged: the entries it should have removed are stamped (counseling.services
.signedin) and expire within minutes, so a lost invalidation is bounded in time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one ``redis.Redis`` per connection pool.

    Django makes a new ``redis.Redis`` for every cache call, and each one builds its table of
    response callbacks (some 170 entries): about a fifth of a millisecond of CPU per call, several
    calls per page. A ``redis.Redis`` is safe to share between threads (each command takes a
    connection from the pool) and its pool notices a fork.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class TolerantRedisCache(RedisCache):
    """RedisCache whose reads miss and whose writes do nothing while Redis does not answer."""

    _down_until = 0.0

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def _call(self, operation: str, miss: Any, call: Callable[[], Any]) -> Any:
        if time.monotonic() < TolerantRedisCache._down_until:
            if operation.startswith("delete"):
                logger.warning("cache %s skipped: Redis was down moments ago", operation)
            return miss
        try:
            return call()
        except RedisError as exc:
            TolerantRedisCache._down_until = time.monotonic() + RETRY_SECONDS
            logger.warning(
                "cache %s failed (%s); using the database for %ss", operation, type(exc).__name__, RETRY_SECONDS
            )
            return miss

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, lambda: super(TolerantRedisCache, self).add(key, value, timeout, version))

    def get(self, key, default=None, version=None):
        return self._call("get", default, lambda: super(TolerantRedisCache, self).get(key, default, version))

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, lambda: super(TolerantRedisCache, self).set(key, value, timeout, version))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, lambda: super(TolerantRedisCache, self).touch(key, timeout, version))

    def delete(self, key, version=None):
        return self._call("delete", False, lambda: super(TolerantRedisCache, self).delete(key, version))

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, lambda: super(TolerantRedisCache, self).get_many(keys, version))

    def has_key(self, key, version=None):
        return self._call("has_key", False, lambda: super(TolerantRedisCache, self).has_key(key, version))

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(
            "set_many", list(data), lambda: super(TolerantRedisCache, self).set_many(data, timeout, version)
        )

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, lambda: super(TolerantRedisCache, self).delete_many(keys, version))
