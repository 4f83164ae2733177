"""Token authentication of the REST API."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_username_and_password_give_a_token_that_opens_the_api(api_client, desk_user, household):
    """POST /auth/token/ returns {"token"}; the header `Authorization: Token …` then reads data."""
    response = api_client.post(
        TOKEN_URL, {"username": "desk1", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires"}
    assert body["token"] == Token.objects.get(user=desk_user).key
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    listed = api_client.get("/api/v1/households/")
    assert listed.status_code == 200
    assert [h["id"] for h in listed.json()["results"]] == [household.pk]


def test_the_same_token_is_returned_on_each_login(api_client, desk_user):
    """Asking twice gives the same token, so a client's other sessions keep working."""
    first = api_client.post(TOKEN_URL, {"username": "desk1", "password": PASSWORD}).json()
    second = api_client.post(TOKEN_URL, {"username": "desk1", "password": PASSWORD}).json()
    assert first == second


def test_wrong_password_is_a_400_and_gives_no_token(api_client, desk_user):
    """A wrong password answers 400 with a message, and no token is created."""
    response = api_client.post(
        TOKEN_URL, {"username": "desk1", "password": "not-the-password"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"]
    assert not Token.objects.filter(user=desk_user).exists()


def test_missing_password_is_a_400_on_that_field(api_client, desk_user):
    """A request without a password is refused on the `password` field."""
    response = api_client.post(TOKEN_URL, {"username": "desk1"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


def test_without_credentials_or_with_a_bad_token_nothing_is_shown(api_client, household):
    """No credentials, or an unknown token, are a 401 asking for a token, with no rows."""
    anonymous = api_client.get("/api/v1/households/")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "Token"
    assert "results" not in anonymous.json()
    api_client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    forged = api_client.get("/api/v1/households/")
    assert forged.status_code == 401
    assert "results" not in forged.json()


def test_an_inactive_user_gets_no_token(api_client, desk_user):
    """A staff account that has been switched off cannot obtain a token."""
    desk_user.is_active = False
    desk_user.save()
    response = api_client.post(TOKEN_URL, {"username": "desk1", "password": PASSWORD})
    assert response.status_code == 400
    assert not Token.objects.exists()


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """The token endpoint's rate limits count in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


def _token(api_client):
    response = api_client.post(TOKEN_URL, {"username": "desk1", "password": PASSWORD})
    assert response.status_code == 200
    return response.json()


def _households_with(api_client, key):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.get("/api/v1/households/")
    api_client.credentials()
    return response


def test_a_token_works_until_it_expires_and_then_a_new_one_is_issued(
    api_client, desk_user, settings
):
    """A token opens the API for API_TOKEN_TTL_HOURS, then is a 401; a new login gives another."""
    settings.API_TOKEN_TTL_HOURS = 12
    issued = timezone.now()
    with time_machine.travel(issued, tick=False):
        body = _token(api_client)
    assert parse_datetime(body["expires"]) == issued + dt.timedelta(hours=12)
    with time_machine.travel(issued + dt.timedelta(hours=11, minutes=59), tick=False):
        assert _households_with(api_client, body["token"]).status_code == 200
        assert _token(api_client)["token"] == body["token"]
    with time_machine.travel(issued + dt.timedelta(hours=12, minutes=1), tick=False):
        expired = _households_with(api_client, body["token"])
        assert expired.status_code == 401
        assert "results" not in expired.json()
        fresh = _token(api_client)
        assert fresh["token"] != body["token"]
        assert _households_with(api_client, fresh["token"]).status_code == 200
    assert Token.objects.filter(user=desk_user).count() == 1


def test_an_expired_token_is_renewed_at_login_even_if_still_in_the_headers(
    api_client, desk_user, settings
):
    """A client that sends its stale token along with the password still gets a new token."""
    settings.API_TOKEN_TTL_HOURS = 1
    old = _token(api_client)["token"]
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
        response = api_client.post(TOKEN_URL, {"username": "desk1", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token"] != old


def test_changing_the_password_ends_the_token(api_client, desk_user):
    """After a password change the old token is a 401; the new password gives a new token."""
    key = _token(api_client)["token"]
    desk_user.set_password("a-brand-new-pass-9")
    desk_user.save()
    assert _households_with(api_client, key).status_code == 401
    response = api_client.post(TOKEN_URL, {"username": "desk1", "password": "a-brand-new-pass-9"})
    assert response.status_code == 200
    assert response.json()["token"] != key


def test_saving_a_user_without_a_new_password_keeps_the_token(api_client, desk_user):
    """Renaming a user, or their login stamp, leaves their token working."""
    key = _token(api_client)["token"]
    desk_user.first_name = "新名字"
    desk_user.save()
    desk_user.last_login = timezone.now()
    desk_user.save(update_fields=["last_login"])
    assert _households_with(api_client, key).status_code == 200


def test_the_owner_revokes_their_token_with_delete(api_client, desk_user):
    """DELETE /auth/token/ with the token answers 204; the token then opens nothing."""
    key = _token(api_client)["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api_client.delete(TOKEN_URL)
    assert response.status_code == 204
    assert api_client.get("/api/v1/households/").status_code == 401
    assert not Token.objects.filter(user=desk_user).exists()


def test_delete_without_credentials_revokes_nothing(api_client, desk_user, butler):
    """DELETE /auth/token/ without a token is a 401 and every user's token stays."""
    key = _token(api_client)["token"]
    response = api_client.delete(TOKEN_URL)
    assert response.status_code == 401
    assert _households_with(api_client, key).status_code == 200


def test_a_logged_in_user_revokes_their_token_from_the_session(client, api_client, desk_user):
    """Logged in on the site, DELETE /auth/token/ revokes that user's token."""
    key = _token(api_client)["token"]
    client.force_login(desk_user)
    assert client.delete(TOKEN_URL).status_code == 204
    assert _households_with(api_client, key).status_code == 401


def test_the_schema_documents_revoking_the_token(api_client, supervisor):
    """The OpenAPI schema lists DELETE on the token endpoint and the expiry of a token."""
    api_client.force_authenticate(supervisor)
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operations = schema["paths"]["/api/v1/auth/token/"]
    assert {"post", "delete"} <= set(operations)
    assert "204" in operations["delete"]["responses"]
    assert "expires" in schema["components"]["schemas"]["IssuedToken"]["properties"]
