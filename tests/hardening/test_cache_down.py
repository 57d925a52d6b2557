"""Redis down (SPEC 20, issue 17 item 17): the cache degrades — cached reads are computed
afresh, throttles fail open, sessions come from the database — never a 500."""

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from rest_framework.test import APIClient

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

DOWN = {
    "default": {
        "BACKEND": "governance.platform.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_with_redis_unreachable_every_kind_of_read_still_answers(world):
    model = world.register("Aster")
    world.full_evidence(model)
    with override_settings(CACHES=DOWN, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"):
        assert cache.get("anything", "fallback") == "fallback"
        assert cache.set("k", 1) is None and cache.incr("throttle", 1) == 1
        public = Client().get("/register/")
        assert public.status_code == 200 and b"Aster" in public.content
        assert APIClient().get("/api/v1/register/").json()["count"] == 1
        token = APIClient().post("/api/v1/auth/token/", {"username": "regulator", "password": PASSWORD})
        assert token.status_code == 200
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
        assert api.get("/api/v1/models/").json()["count"] == 1
        browser = Client()
        signed_in = browser.post("/accounts/login/", {"username": "regulator", "password": PASSWORD})
        assert signed_in.status_code == 302
        dossier = browser.get(f"/models/{model.pk}/")
        assert dossier.status_code == 200 and b"Aster" in dossier.content


def test_cache_calls_share_one_redis_client_and_still_degrade():
    """One ``redis.Redis`` per connection pool, not one per call (each costs ~170 callback
    copies); the shared client still degrades when Redis is unreachable."""
    from governance.platform.cache import ResilientRedisCache

    backend = ResilientRedisCache(DOWN["default"]["LOCATION"], {"OPTIONS": DOWN["default"]["OPTIONS"]})
    client = backend._cache
    assert client.get_client(write=True) is client.get_client(write=False)
    assert backend.get("k", "fallback") == "fallback" and backend.get("k", "again") == "again"
