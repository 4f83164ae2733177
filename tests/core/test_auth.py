"""Login rate limit: repeated wrong passwords lock the account, on the page and the API."""

import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.django_db
PASSWORD = "test-pass-123"  # tests.factories.PASSWORD
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts live in the cache, which outlives a test's database."""
    cache.clear()
    yield
    cache.clear()


def templates(response):
    return [t.name for t in response.templates]


def test_login_page_logs_in_with_the_right_password(client, desk_user):
    """The right password logs in and leads to the home page."""
    response = client.post("/login/", {"username": "desk1", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_wrong_passwords_on_the_login_page_lock_the_account(client, desk_user):
    """After AXES_FAILURE_LIMIT wrong passwords even the right one shows the locked-out page."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/login/", {"username": "desk1", "password": "wrong-guess"})
        assert response.status_code == 200
        assert "registration/locked_out.html" not in templates(response)
    response = client.post("/login/", {"username": "desk1", "password": "wrong-guess"})
    assert response.status_code == 429
    response = client.post("/login/", {"username": "desk1", "password": PASSWORD})
    assert response.status_code == 429
    assert "registration/locked_out.html" in templates(response)
    assert client.get("/").status_code == 302  # still not logged in


def test_lockout_is_per_account(client, desk_user, butler):
    """Locking one account leaves another account on the same machine able to log in."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "desk1", "password": "wrong-guess"})
    response = client.post("/login/", {"username": "butler1", "password": PASSWORD})
    assert response.status_code == 302


def test_token_endpoint_gives_a_token_for_the_right_password(api_client, desk_user):
    """POST username and password to the token endpoint returns a token that authenticates."""
    response = api_client.post(
        TOKEN_URL, {"username": "desk1", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert api_client.get("/api/v1/projects/").status_code in (401, 403)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get("/api/v1/projects/").status_code == 200


def test_wrong_passwords_on_the_token_endpoint_lock_the_account(api_client, desk_user):
    """After AXES_FAILURE_LIMIT wrong passwords the token endpoint refuses even the right one."""
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = api_client.post(
            TOKEN_URL, {"username": "desk1", "password": "wrong-guess"}, format="json"
        )
        assert response.status_code == 400
        assert "non_field_errors" in response.json()
    response = api_client.post(
        TOKEN_URL, {"username": "desk1", "password": PASSWORD}, format="json"
    )
    assert response.status_code in (400, 403, 429)
    assert "token" not in response.json()


def test_token_endpoint_is_throttled(api_client, settings):
    """Guessing through the token endpoint is cut off by the rate limit (429 with Retry-After)."""
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"].split("/")[0])
    for attempt in range(limit):
        response = api_client.post(
            TOKEN_URL, {"username": f"guess{attempt}", "password": "x"}, format="json"
        )
        assert response.status_code == 400
    response = api_client.post(TOKEN_URL, {"username": "guess", "password": "x"}, format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
