"""A Redis cache that degrades instead of failing (SPEC 20): with Redis unreachable, reads
miss, writes are dropped and counters fail open, so cached pages are computed afresh,
throttles let requests through and sessions are read from the database — never a 500.
Each failure is logged; the next call tries Redis again."""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache.backends.redis import RedisCache
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


class ResilientRedisCache(RedisCache):
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
