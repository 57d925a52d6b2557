"""The API's throttles (SPEC 20) count requests in two fixed windows and estimate the sliding
window from them: every boundary of that estimate, on the per-process cache and on Redis."""

import os
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from governance.api import throttling
from governance.platform.cache import ResilientRedisCache

WINDOW = 60
START = 1_000_000 * WINDOW  # the start of a window


class Clock:
    def __init__(self) -> None:
        self.now = float(START)

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["locmem", pytest.param("redis", marks=pytest.mark.redis)])
def counters(request, settings):
    """The cache the counters live in: this process's memory, or Redis as in production."""
    if request.param == "redis":
        settings.CACHES = {
            "default": {
                "BACKEND": "governance.platform.cache.ResilientRedisCache",
                "LOCATION": os.environ["REDIS_URL"],
                "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",
            }
        }
    backend = caches["default"]
    assert isinstance(backend, ResilientRedisCache) == (request.param == "redis")
    return backend


@pytest.fixture
def throttle(counters, monkeypatch):
    """``attempt()``: one anonymous request at the clock's time, at 10 per minute; the last
    refusal's ``wait()`` is kept on the throttle."""
    clock = Clock()
    monkeypatch.setattr(throttling.AnonRateThrottle, "THROTTLE_RATES", {"anon": "10/minute"})
    monkeypatch.setattr(throttling.AnonRateThrottle, "timer", staticmethod(clock))
    request = APIView().initialize_request(APIRequestFactory().get("/", REMOTE_ADDR="192.0.2.7"))
    request.user = AnonymousUser()

    class Attempts:
        def __init__(self) -> None:
            self.clock = clock
            self.last = None

        def attempt(self) -> bool:
            self.last = throttling.AnonRateThrottle()
            return self.last.allow_request(request, None)

        def allowed(self, count: int) -> int:
            """How many of ``count`` attempts now are allowed."""
            return sum(self.attempt() for _ in range(count))

    return Attempts()


def test_a_window_allows_its_rate_and_a_refusal_uses_none_of_it(throttle):
    throttle.clock.now = START + 30
    assert throttle.allowed(10) == 10
    assert throttle.allowed(5) == 0  # refused five times...
    throttle.clock.now = START + WINDOW + 30  # ...and half the window later, half the rate is back
    assert throttle.allowed(10) == 5


@pytest.mark.parametrize(
    "into_next_window, allowed",
    [
        (0, 0),  # the whole last window still counts
        (6, 1),  # a tenth of it has slid past: one request
        (30, 5),
        (54, 9),
        (59.9, 9),  # 10 * 0.0017 = 0.017 still counts: the tenth must wait for the window's end
        (60, 10),  # two windows on, the first has slid past entirely
    ],
)
def test_the_last_windows_count_weighs_what_the_sliding_window_still_covers(throttle, into_next_window, allowed):
    throttle.clock.now = START + 59
    assert throttle.allowed(10) == 10
    throttle.clock.now = START + WINDOW + into_next_window
    assert throttle.allowed(12) == allowed


def test_retry_after_says_when_the_next_request_is_allowed(throttle):
    throttle.clock.now = START + 59
    throttle.allowed(10)
    throttle.clock.now = START + WINDOW + 30
    assert throttle.allowed(6) == 5
    wait = throttle.last.wait()
    assert wait == pytest.approx(6.0)  # 10 * (1 - 36/60) + 5 + 1 = 10
    throttle.clock.now += wait - 0.5
    assert not throttle.attempt()
    throttle.clock.now += 0.5
    assert throttle.attempt()


def test_a_window_full_on_its_own_waits_until_it_has_partly_slid_past(throttle):
    throttle.clock.now = START + 10
    throttle.allowed(10)
    assert not throttle.attempt()
    wait = throttle.last.wait()
    assert wait == pytest.approx(56.0)  # its end, then a tenth of it: 10 * 0.9 + 1 = 10
    throttle.clock.now += wait - 0.5
    assert not throttle.attempt()
    throttle.clock.now += 0.5
    assert throttle.attempt()


@pytest.mark.redis
def test_on_redis_an_allowed_request_costs_one_round_trip(settings, monkeypatch):
    import redis.client

    settings.CACHES = {
        "default": {
            "BACKEND": "governance.platform.cache.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"throttle-test-{uuid.uuid4().hex}",
        }
    }
    trips = []  # a command sent alone, or a pipeline sent (its own commands only queue)

    def counting(name: str, original):
        def counted(self, *args, **kwargs):
            trips.append(name)
            return original(self, *args, **kwargs)

        return counted

    for cls, name in ((redis.client.Redis, "execute_command"), (redis.client.Pipeline, "execute")):
        monkeypatch.setattr(cls, name, counting(name, getattr(cls, name)))
    request = APIView().initialize_request(APIRequestFactory().get("/", REMOTE_ADDR="192.0.2.8"))
    request.user = AnonymousUser()
    assert throttling.AnonRateThrottle().allow_request(request, None)
    assert trips == ["execute"]
