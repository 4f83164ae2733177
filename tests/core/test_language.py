"""The desk speaks the user's own language, else the project's default (zh-hans): the
browser's header decides only the login page; not-found answers and blank choices are
translated too."""

import pytest
from django.conf import settings
from django.urls import reverse

from frontdesk.core.models import StaffProfile

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def test_english_browser_gets_the_desk_in_chinese(client, desk_user):
    """A staff member who chose nothing sees zh-hans though the browser asks for English."""
    client.force_login(desk_user)
    html = client.get(reverse("tickets:queue"), **ENGLISH_BROWSER).content.decode()
    assert "登记工单" in html and "Register an order" not in html


def test_login_page_follows_the_browser_when_nothing_else_is_known(client):
    """Before anyone logs in, the browser's language picks the login page's language."""
    html = client.get(reverse("login"), **ENGLISH_BROWSER).content.decode()
    assert "Log in to the front desk" in html
    assert "登录" in client.get(reverse("login")).content.decode()


def test_users_own_choice_wins(client, desk_user):
    """A user who chose English gets English, whatever the browser says."""
    StaffProfile.objects.update_or_create(user=desk_user, defaults={"language": "en"})
    client.force_login(desk_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("tickets:queue"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Register an order" in html


def test_api_not_found_is_translated_json(client, desk_user):
    """An unknown row and an unknown API address both answer a JSON 404 in Chinese, naming
    no model."""
    client.force_login(desk_user)
    row = client.get("/api/v1/households/999999/", **ENGLISH_BROWSER)
    assert row.status_code == 404 and "Household" not in str(row.json())
    assert row.json() == {"non_field_errors": ["未找到。"]}
    address = client.get("/api/v1/callbacks/1/", **ENGLISH_BROWSER)
    assert address.status_code == 404 and address["Content-Type"].startswith("application/json")
    assert address.json() == {"non_field_errors": ["此地址没有对应的接口。"]}


def test_page_not_found_is_a_chinese_page(client, desk_user, settings):
    """A page that does not exist answers the desk's own 404 page in Chinese."""
    settings.DEBUG = False
    client.force_login(desk_user)
    response = client.get("/no-such-page/", **ENGLISH_BROWSER)
    assert response.status_code == 404 and "未找到" in response.content.decode()
    assert "Not Found" not in response.content.decode()


def test_blank_choice_of_a_select_is_chinese(client, desk_user, other_project):
    """The move-in form's project select (a clerk of two projects) starts with a Chinese blank
    choice, not Django's English "- Select an option -"."""
    from frontdesk.core.models import Membership

    Membership.objects.create(user=desk_user, project=other_project)
    client.force_login(desk_user)
    html = client.get(reverse("residents:move-in"), **ENGLISH_BROWSER).content.decode()
    assert "Select an option" not in html and "— 请选择 —" in html


def test_desk_words_for_returned_orders_and_file_numbers(client, desk_user, household):
    """The callback queue says 已返单 (not 已退还, "refunded"), and the registration page names
    the household's 档案编号 (not 文件)."""
    client.force_login(desk_user)
    queue = client.get(reverse("tickets:callbacks")).content.decode()
    assert "已返单" in queue and "已退还" not in queue
    register = client.get(
        reverse("tickets:new") + f"?household={household.pk}&kind=repair"
    ).content.decode()
    assert f"档案编号 {household.file_number}" in register and "文件" not in register


def test_household_list_has_no_raw_id_filter(client, desk_user, household):
    """The household list does not offer the raw 房屋（ID） box; ?unit= from a link still
    narrows the list."""
    client.force_login(desk_user)
    html = client.get(reverse("residents:household-list")).content.decode()
    assert "房屋（ID）" not in html
    narrowed = client.get(reverse("residents:household-list"), {"unit": household.unit_id})
    assert household.unit.code in narrowed.content.decode()
    assert f'name="unit" value="{household.unit_id}"' in narrowed.content.decode()
