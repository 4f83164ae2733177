"""Login rate limit: repeated wrong passwords lock the account, on the page and the API."""

import pytest
from django.conf import settings
from django.core.cache import cache

from frontdesk.core.api.throttling import client_address

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


def _rate(settings, scope):
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])


def _token_attempt(api_client, username, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return api_client.post(
        TOKEN_URL, {"username": username, "password": "x"}, format="json", **extra
    )


def test_a_forged_forwarded_address_does_not_escape_the_token_rate_limit(api_client, settings):
    """With no proxy configured, 40 guesses each naming another X-Forwarded-For still hit 429."""
    assert settings.REST_FRAMEWORK["NUM_PROXIES"] == 0
    limit = _rate(settings, "token")
    codes = [
        _token_attempt(api_client, f"guess{n}", forwarded=f"203.0.113.{n}").status_code
        for n in range(40)
    ]
    assert codes[:limit] == [400] * limit
    assert set(codes[limit:]) == {429}


def test_many_usernames_from_one_address_are_slowed(api_client, settings):
    """One password sprayed over many accounts from one machine is cut off after API_TOKEN_RATE."""
    limit = _rate(settings, "token")
    codes = [_token_attempt(api_client, f"staff{n}").status_code for n in range(limit + 5)]
    assert codes[:limit] == [400] * limit
    assert set(codes[limit:]) == {429}


def test_one_username_from_many_addresses_is_slowed(api_client, settings):
    """Behind one proxy, guessing one account from ever new client addresses still hits 429."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    limit = _rate(settings, "token_username")
    codes = [
        _token_attempt(api_client, "desk1", forwarded=f"198.51.100.{n}").status_code
        for n in range(limit + 5)
    ]
    assert codes[:limit] == [400] * limit
    assert set(codes[limit:]) == {429}
    # The account's limit counts the username however it is written.
    assert _token_attempt(api_client, " DESK1 ", forwarded="198.51.100.200").status_code == 429
    # Another account from one of those addresses is not held back by it.
    assert _token_attempt(api_client, "butler1", forwarded="198.51.100.1").status_code == 400


def test_behind_a_proxy_each_client_has_its_own_limit(api_client, settings):
    """With NUM_PROXIES=1 the proxy's entry names the client; what the client wrote is ignored."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    limit = _rate(settings, "token")
    codes = [
        _token_attempt(api_client, f"guess{n}", forwarded=f"10.9.{n}.1, 192.0.2.7").status_code
        for n in range(limit + 1)
    ]
    assert codes[-1] == 429
    other_client = _token_attempt(api_client, "guess-other", forwarded="10.9.0.1, 192.0.2.8")
    assert other_client.status_code == 400


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),
        (1, None, "127.0.0.1"),
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (3, "203.0.113.9", "203.0.113.9"),
    ],
)
def test_client_address_reads_only_as_deep_as_the_configured_proxies(
    rf, settings, proxies, forwarded, expected
):
    """The client address trusts X-Forwarded-For only up to NUM_PROXIES hops from the server."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", **extra)
    assert client_address(request) == expected


def test_wrong_passwords_on_the_login_page_lock_whatever_the_forwarded_address(client, desk_user):
    """A page login cannot dodge the lockout by writing a new X-Forwarded-For each time."""
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/login/",
            {"username": "desk1", "password": "wrong-guess"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    response = client.post(
        "/login/", {"username": "desk1", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.99"
    )
    assert response.status_code == 429
