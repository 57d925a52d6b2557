"""A Redis cache that degrades instead of failing (SPEC 20): with Redis unreachable, reads
miss, writes are dropped and counters fail open, so cached pages are computed afresh,
throttles let requests through and sessions are read from the database — never a 500.
Each failure is logged; the next call tries Redis again."""

import logging
from collections.abc import Callable
from contextlib import suppress
from functools import wraps
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis import ConnectionPool, Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _degrades(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                return method(self, *args, **kwargs)
            except UNAVAILABLE as error:
                log.warning("cache unavailable, %s degraded: %s", method.__name__, error)
                return fallback(*args, **kwargs)

        return guarded

    return decorate


def _default(key: str, default: Any = None, *args: Any, **kwargs: Any) -> Any:
    return default


class OneClientPerPool(RedisCacheClient):
    """Django builds a new ``redis.Redis`` for every cache call, and its constructor copies
    some 170 response callbacks each time: about a third of a cached read's cost. Clients are
    thread-safe and hold no connection of their own (their pool does), so one per pool serves."""

    # Django's private members used here, which django-stubs leaves out.
    _client: Callable[..., Redis]
    _get_connection_pool: Callable[[bool], ConnectionPool]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    _cache: OneClientPerPool  # Django's private client (a cached property of `_class`), left out of django-stubs

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = OneClientPerPool

    get = _degrades(_default)(RedisCache.get)
    get_many = _degrades(lambda keys, *a, **k: {})(RedisCache.get_many)
    has_key = _degrades(lambda *a, **k: False)(RedisCache.has_key)
    set = _degrades(lambda *a, **k: None)(RedisCache.set)
    set_many = _degrades(lambda data, *a, **k: list(data))(RedisCache.set_many)
    add = _degrades(lambda *a, **k: True)(RedisCache.add)
    touch = _degrades(lambda *a, **k: False)(RedisCache.touch)
    delete = _degrades(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _degrades(lambda *a, **k: None)(RedisCache.delete_many)
    incr = _degrades(lambda key, delta=1, *a, **k: delta)(RedisCache.incr)
    clear = _degrades(lambda *a, **k: False)(RedisCache.clear)

    @_degrades(lambda *a, **k: (1, 0))
    def count_request(self, this: str, last: str, timeout: int) -> tuple[int, int]:
        """See :func:`count_request`: ``SET NX``, ``INCR`` and ``GET`` in one pipeline."""
        this, last = self.make_and_validate_key(this), self.make_and_validate_key(last)
        pipeline = self._cache.get_client(this, write=True).pipeline(transaction=False)
        pipeline.set(this, 0, ex=timeout, nx=True).incr(this).get(last)
        _, count, before = pipeline.execute()
        return count, int(before or 0)


def count_request(this: str, last: str, timeout: int) -> tuple[int, int]:
    """Add one to the counter ``this`` (made by its first count, forgotten ``timeout``
    seconds later) and read the counter ``last``: both counts, in one round trip to Redis."""
    backend = caches["default"]  # (``django.core.cache.cache`` is a proxy of it)
    if isinstance(backend, ResilientRedisCache):
        return backend.count_request(this, last, timeout)
    backend.add(this, 0, timeout)
    return backend.incr(this), backend.get(last, 0)


def uncount_request(key: str) -> None:
    """Take back the count :func:`count_request` added to ``key``."""
    with suppress(ValueError):  # forgotten in between: nothing left to take back
        caches["default"].decr(key)
