"""Token authentication of the REST API."""

import pytest
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
    assert set(body) == {"token"}
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
