"""Signing API calls with a token (SPEC 16): what the token, its user and the user's roles and
organisation, read in one statement, let through, and what they refuse with 401, never a 500."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from governance.registry.models import ApiToken
from governance.registry.services import issue_token


def signed(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_acts_as_its_user_with_their_roles_and_organisation(world):
    _, key = issue_token(user=world.dev_aurora)
    me = signed(key).get("/api/v1/me/")
    assert me.status_code == 200, me.content
    body = me.json()
    assert (body["username"], body["roles"]) == ("dev-aurora", ["developer"])
    assert body["organization"]["id"] == world.aurora.pk
    # The organisation decides what they see: their own unreleased model, not another's.
    own = world.register("Own", released=False)
    other = world.register("Other", developer=world.borealis, released=False)
    visible = {m["id"] for m in signed(key).get("/api/v1/models/").json()["results"]}
    assert own.pk in visible and other.pk not in visible


@pytest.mark.parametrize(
    "header",
    [
        "Token 0123456789abcdef0123456789abcdef",  # no such token
        "Token \u00ff\u00fe-not-hex",  # not a token at all
        "Token a b",  # two credentials
        "Token",  # none
    ],
)
def test_a_wrong_token_is_401(world, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401 and "detail" in response.json()


def test_a_token_whose_key_is_right_but_digest_wrong_is_401(world):
    _, key = issue_token(user=world.dev_aurora)
    assert signed(key[:-1] + ("0" if key[-1] != "0" else "1")).get("/api/v1/me/").status_code == 401


def test_an_expired_token_and_an_inactive_users_token_are_401(world):
    _, key = issue_token(user=world.dev_aurora)
    ApiToken.objects.filter(user=world.dev_aurora).update(expiry=timezone.now() - timezone.timedelta(seconds=1))
    assert signed(key).get("/api/v1/me/").status_code == 401
    _, other = issue_token(user=world.dev_borealis)
    type(world.dev_borealis).objects.filter(pk=world.dev_borealis.pk).update(is_active=False)
    assert signed(other).get("/api/v1/me/").status_code == 401
