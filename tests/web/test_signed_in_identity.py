"""Who is signed in (SPEC sections 1 and 15): each request reads the session's user together
with their roles and organisation, in one query, and a deactivated account is signed out."""

from datetime import datetime

from django.test import Client
from django.utils import timezone
from knox.settings import CONSTANTS

from governance.api.authentication import tokens_with_key
from governance.registry.backends import IdentifyingModelBackend
from governance.registry.roles import organization_id_of, organization_kind_of, roles_of
from governance.registry.services import issue_token


def test_the_user_comes_with_their_roles_and_organisation_in_one_query(world, django_assert_num_queries):
    world.dev_aurora.groups.add(*world.regulator.groups.all())  # two roles: a row each
    with django_assert_num_queries(1):
        user = IdentifyingModelBackend().get_user(world.dev_aurora.pk)
        assert user == world.dev_aurora
        assert roles_of(user) == {"developer", "regulator"}
        assert (organization_id_of(user), organization_kind_of(user)) == (world.aurora.pk, "developer")


def test_the_user_read_by_hand_written_sql_is_the_one_the_orm_reads(world):
    """Every field, of the types the ORM gives (SQLite returns timestamps as text)."""
    User = type(world.regulator)
    User.objects.filter(pk=world.dev_aurora.pk).update(last_login=timezone.now(), first_name="Ada")
    expected = User.objects.get(pk=world.dev_aurora.pk)
    for user in (
        IdentifyingModelBackend().get_user(expected.pk),
        tokens_with_key(issue_token(user=expected)[1][: CONSTANTS.TOKEN_KEY_LENGTH])[0].user,
    ):
        assert not user._state.adding
        for field in User._meta.concrete_fields:
            value = getattr(user, field.attname)
            assert value == getattr(expected, field.attname) and type(value) is type(getattr(expected, field.attname))
    assert isinstance(expected.last_login, datetime) and expected.first_name == "Ada"


def test_a_user_without_role_or_organisation_and_an_unknown_id(world, django_assert_num_queries):
    plain = type(world.regulator).objects.create_user("plain", password="x")
    with django_assert_num_queries(1):
        user = IdentifyingModelBackend().get_user(plain.pk)
        assert roles_of(user) == frozenset() and organization_id_of(user) is None
    assert IdentifyingModelBackend().get_user(10**9) is None


def test_a_deactivated_account_is_signed_out_at_its_next_request(world):
    client = Client()
    client.force_login(world.dev_aurora)
    assert client.get("/api/v1/me/").json()["username"] == "dev-aurora"
    type(world.dev_aurora).objects.filter(pk=world.dev_aurora.pk).update(is_active=False)
    assert client.get("/api/v1/me/").status_code == 401
