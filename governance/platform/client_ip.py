"""The client's address, for login throttling and lockout (SPEC 20).

``X-Forwarded-For`` is whatever the client writes, unless a proxy we run overwrites it: a
throttle keyed on it could be walked past by sending a new address with each attempt.
Only ``TRUSTED_PROXY_COUNT`` proxies (0 unless configured) are believed: with n proxies in
front, the client is the address the outermost of them saw, the n-th entry from the right
of the header. DRF's throttles read the same count (``NUM_PROXIES``).
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote
    addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
    return addresses[-min(proxies, len(addresses))] if addresses else remote
