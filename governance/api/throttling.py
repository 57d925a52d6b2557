"""API throttles (SPEC 20) that count instead of remembering.

DRF's throttles keep the time of every request in the window as one list, read and
rewritten whole on each request: at the rates a host's gate or a busy client reaches, that
is thousands of timestamps pickled and sent both ways per call. These keep two counters per
client instead, this window's and the last one's, and estimate the requests of the sliding
window from them (the last window's count weighted by how much of it the sliding window
still covers): one round trip to the cache, whatever the rate.
"""

from typing import Any

from rest_framework import throttling

from governance.platform.cache import count_request, uncount_request


class SlidingWindowCounter(throttling.SimpleRateThrottle):
    """DRF's rate throttle with the two counters in place of the request history; the
    throttles below take their rates and keys from DRF's and this way of counting."""

    # Set from the rate by DRF's ``__init__`` (``parse_rate``): None only when ``rate`` is,
    # and ``allow_request`` returns before reading them then.
    num_requests: int
    duration: int
    _wait: float

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        now = self.timer()
        window, elapsed = divmod(now, self.duration)
        this, last = count_request(f"{key}:{int(window)}", f"{key}:{int(window) - 1}", self.duration * 2)
        left_of_last = 1 - elapsed / self.duration
        if last * left_of_last + this <= self.num_requests:
            return True
        uncount_request(f"{key}:{int(window)}")  # a refused request uses none of the budget
        # Retry once the estimate has room for one more: when the last window's weight has
        # shrunk enough, or at the latest when this window ends (its count then under the
        # rate); a window full on its own must also slide partly past as the last one.
        this -= 1
        to_end = self.duration - elapsed
        if this < self.num_requests:
            fall = (last * left_of_last + this + 1 - self.num_requests) / last * self.duration
            self._wait = min(max(0.0, fall), to_end)
        else:
            self._wait = to_end + self.duration * (1 - (self.num_requests - 1) / max(this, 1))
        return False

    def wait(self) -> float:
        return self._wait


class AnonRateThrottle(throttling.AnonRateThrottle, SlidingWindowCounter):
    pass


class UserRateThrottle(throttling.UserRateThrottle, SlidingWindowCounter):
    pass


class ScopedRateThrottle(throttling.ScopedRateThrottle, SlidingWindowCounter):
    pass
