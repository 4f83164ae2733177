"""Idle sessions end, and a locked screen shows nothing until its owner's password."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


def _at(minutes):
    return time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False)


def test_a_session_idle_for_longer_than_the_setting_is_logged_out(client, desk_user, settings):
    """30 idle minutes log the clerk out; activity before that keeps the session alive."""
    settings.SESSION_IDLE_MINUTES = 30
    with _at(0):
        client.force_login(desk_user)
        assert client.get("/").status_code == 200
    with _at(25):
        assert client.get("/").status_code == 200
    with _at(50):  # 25 minutes after the last page: still in
        assert client.get("/").status_code == 200
    with _at(81):  # 31 minutes idle
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get("/api/v1/projects/").status_code in (401, 403)


def test_the_bells_poll_does_not_keep_an_idle_session_alive(client, desk_user, settings):
    """The page's own background requests are not activity: the session still ends."""
    settings.SESSION_IDLE_MINUTES = 30
    with _at(0):
        client.force_login(desk_user)
        assert client.get("/").status_code == 200
    for minute in range(1, 31, 5):
        with _at(minute):
            bell = client.get(
                reverse("notification-bell"), HTTP_HX_REQUEST="true", HTTP_X_DESK_BACKGROUND="1"
            )
            assert bell.status_code == 200
    with _at(31):
        assert client.get("/").status_code == 302


def test_idle_minutes_come_from_the_setting(client, desk_user, settings):
    """SESSION_IDLE_MINUTES=5 ends a session idle for six minutes."""
    settings.SESSION_IDLE_MINUTES = 5
    with _at(0):
        client.force_login(desk_user)
        assert client.get("/").status_code == 200
    with _at(6):
        assert client.get("/").status_code == 302


def test_a_locked_screen_refuses_pages_until_the_password(client, desk_user, household):
    """After "Lock screen", pages, fragments and the API are refused; a wrong password keeps
    the lock; the right one opens the page the clerk was on."""
    client.force_login(desk_user)
    page = reverse("household-file", args=[household.pk])
    response = client.post(reverse("lock"), {"next": page})
    assert response.status_code == 302 and response["Location"].startswith(reverse("unlock"))
    refused = client.get(page)
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("unlock"))
    fragment = client.get(reverse("search-results"), {"q": "1502"}, HTTP_HX_REQUEST="true")
    assert fragment["HX-Redirect"] == reverse("unlock") and b"1502" not in fragment.content
    assert client.get("/api/v1/households/").status_code == 403
    unlock_page = client.get(refused["Location"]).content.decode()
    assert "13812345678" not in unlock_page and 'name="password"' in unlock_page

    wrong = client.post(reverse("unlock"), {"password": "not-it", "next": page})
    assert wrong.status_code == 200
    assert client.get(page).status_code == 302
    right = client.post(reverse("unlock"), {"password": PASSWORD, "next": page})
    assert right.status_code == 302 and right["Location"] == page
    assert "13812345678" in client.get(page).content.decode()


def test_a_locked_screen_still_ends_when_idle(client, desk_user, settings):
    """A screen locked and left alone is logged out after the idle time, like any session."""
    settings.SESSION_IDLE_MINUTES = 30
    with _at(0):
        client.force_login(desk_user)
        client.get("/")
        client.post(reverse("lock"))
    with _at(31):
        response = client.post(reverse("unlock"), {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_top_bar_offers_the_lock_and_the_browser_timer(client, desk_user, settings):
    """Every page has the "Lock screen" button and tells its script when to lock by itself."""
    settings.SCREEN_LOCK_MINUTES = 7
    client.force_login(desk_user)
    html = client.get("/").content.decode()
    assert 'id="screen-lock"' in html and 'data-lock-after="7"' in html
    assert "js/screen_lock" in html


def test_sessions_last_a_shift_at_most(settings):
    """However active, a session lasts at most 12 hours (not Django's two weeks)."""
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def test_every_polling_fragment_is_marked_background():
    """A fragment a page refreshes on a timer (bell, ringing phone, home lists) must not count
    as the clerk's activity, or an open page would never idle out nor lock."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = [
        f"{path.relative_to(root)}: {tag[:80]}"
        for path in root.rglob("*.html")
        for tag in re.findall(r"<[^>]*hx-trigger=\"[^\"]*every[^>]*>", path.read_text())
        if "X-Desk-Background" not in tag
    ]
    assert offenders == []
