"""Staff passwords are hashed with Argon2; hashes made before still log in."""

import pytest
from django.contrib.auth.hashers import make_password

from frontdesk import settings as configured

pytestmark = pytest.mark.django_db
PASSWORD = "test-pass-123"  # tests.factories.PASSWORD


@pytest.fixture
def production_hashers(settings):
    """The hashers the settings name (the suite otherwise hashes with MD5 for speed)."""
    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS


def test_new_passwords_are_hashed_with_argon2(production_hashers, desk_user):
    """A password set now is stored as an Argon2 hash and logs in."""
    desk_user.set_password(PASSWORD)
    desk_user.save()
    desk_user.refresh_from_db()
    assert desk_user.password.startswith("argon2$")
    assert desk_user.check_password(PASSWORD)


def test_an_older_pbkdf2_hash_still_logs_in_and_is_upgraded(production_hashers, client, desk_user):
    """A staff member whose password was hashed with PBKDF2 logs in; the hash becomes Argon2."""
    desk_user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    desk_user.save(update_fields=["password"])
    response = client.post("/login/", {"username": desk_user.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    desk_user.refresh_from_db()
    assert desk_user.password.startswith("argon2$")
