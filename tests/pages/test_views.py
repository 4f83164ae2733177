"""The search page, the household file page and my settings."""

import datetime as dt

import pytest
from django.urls import reverse

from frontdesk.core.middleware import SESSION_KEY
from frontdesk.core.models import StaffProfile
from frontdesk.core.roles import Role
from residents import services
from tests.factories import HouseholdFactory, PersonFactory, UnitFactory, UserFactory
from tests.pages.helpers import fill_file
from tests.tickets.factories import register

pytestmark = pytest.mark.django_db


def file_url(household):
    return reverse("household-file", kwargs={"household_id": household.pk})


# --- Search ---------------------------------------------------------------------------


def test_search_needs_a_login(client):
    """An anonymous visitor is sent to the login form."""
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_search_by_unit_code_lists_the_household_with_its_contact(client, desk_user, household):
    """A partial unit code lists the household with its unit, contact, phone and badge."""
    client.force_login(desk_user)
    response = client.get(reverse("home"), {"q": "3-15"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "3-1502" in html and "王建国" in html and "13812345678" in html
    assert file_url(household) in html


def test_exact_unit_code_opens_the_file_directly(client, desk_user, household):
    """Typing the whole unit code and pressing Enter (no JavaScript) opens the file."""
    client.force_login(desk_user)
    response = client.get(reverse("home"), {"q": "3栋1502"})
    assert response.status_code == 302
    assert response["Location"] == file_url(household)


def test_search_by_part_of_a_phone_finds_the_household(client, desk_user, household):
    """Any four digits of a phone find the household (as a list: not an exact hit)."""
    client.force_login(desk_user)
    response = client.get(reverse("home"), {"q": "2345"})
    assert response.status_code == 200
    assert "王建国" in response.content.decode()


def test_htmx_results_are_a_fragment_and_keep_the_address(client, desk_user, household):
    """Search-as-you-type gets only the result list, and the address bar follows the query."""
    client.force_login(desk_user)
    response = client.get(reverse("search-results"), {"q": "王建"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "王建国" in html and "<html" not in html
    assert response["HX-Replace-Url"] == reverse("home") + "?q=%E7%8E%8B%E5%BB%BA"


def test_engineer_sees_masked_phone_in_results(client, engineer, household):
    """A role without the phone permission sees 138****5678 in the results."""
    client.force_login(engineer)
    html = client.get(reverse("search-results"), {"q": "王建国"}).content.decode()
    assert "138****5678" in html and "13812345678" not in html


def test_search_never_shows_another_projects_households(client, other_desk_user, household):
    """A user of another project finds nothing for this project's unit."""
    client.force_login(other_desk_user)
    html = client.get(reverse("search-results"), {"q": "3-1502"}).content.decode()
    assert "王建国" not in html
    assert "3-1502" in html  # echoed in the "no household matches" line


def test_moved_out_households_are_badged(client, desk_user, household):
    """A moved-out household is listed with its badge, after the current one."""
    services.household_move_out(household=household, moved_out_on=dt.date(2026, 5, 1), by=desk_user)
    newcomer = HouseholdFactory(unit=household.unit, project=household.project)
    PersonFactory(household=newcomer, project=household.project, name="赵新")
    client.force_login(desk_user)
    html = client.get(reverse("search-results"), {"q": "3-1502"}).content.decode()
    assert html.index("赵新") < html.index("王建国")
    assert "已迁出" in html or "Moved out" in html


def test_search_query_count_does_not_grow_with_results(
    client, desk_user, building, django_assert_num_queries
):
    """The results page costs the same few queries for 2 or 20 households."""
    client.force_login(desk_user)
    for i in range(2):
        h = HouseholdFactory(unit=UnitFactory(building=building, number=f"9{i:02d}"))
        PersonFactory(household=h, project=h.project, name=f"李{i}")
    with django_assert_num_queries(8):
        small = client.get(reverse("search-results"), {"q": "3-9"})
    for i in range(2, 20):
        h = HouseholdFactory(unit=UnitFactory(building=building, number=f"9{i:02d}"))
        PersonFactory(household=h, project=h.project, name=f"李{i}")
    with django_assert_num_queries(8):
        large = client.get(reverse("search-results"), {"q": "3-9"})
    assert small.content.decode().count('class="row"') == 2
    assert large.content.decode().count('class="row"') == 20


# --- The household file ---------------------------------------------------------------


def test_file_shows_everything_on_one_page(client, desk_user, butler, household):
    """The file shows unit facts, persons, vehicles, cards, move-in, decoration, notes, history."""
    fill_file(household, desk_user, 1)
    client.force_login(desk_user)
    html = client.get(file_url(household)).content.decode()
    for text in (
        household.file_number,
        "3-1502",
        "89.50",
        "王建国",
        "粤B12340",
        "P-",
        "入户门",
        "厨房改造",
        "工人0",
        "第0条备注",
        "扫描件0",
        butler.get_full_name(),
    ):
        assert text in html, text


def test_file_history_shows_who_and_old_and_new_values(client, desk_user, household):
    """A changed phone appears in the history with its old and new values and the author."""
    person = household.persons.get()
    services.person_update(person=person, data={"phone": "13900001111"}, by=desk_user)
    client.force_login(desk_user)
    html = client.get(file_url(household)).content.decode()
    assert "13812345678" in html and "13900001111" in html
    history = html[html.index('id="panel-history"') :]
    assert "desk1" in history or desk_user.get_full_name() in history
    assert "→" in history


def test_history_masks_phones_for_roles_without_the_permission(
    client, engineer, desk_user, household
):
    """An engineer reading the history sees old and new phones masked."""
    person = household.persons.get()
    services.person_update(person=person, data={"phone": "13900001111"}, by=desk_user)
    client.force_login(engineer)
    html = client.get(file_url(household)).content.decode()
    assert "139****1111" in html
    assert "13900001111" not in html and "13812345678" not in html


@pytest.mark.parametrize(
    ("role", "phone", "id_number"),
    [
        (Role.ENGINEERING, "138****5678", "110105********002X"),
        (Role.DESK, "13812345678", "110105********002X"),
        (Role.BUTLER, "13812345678", "110105********002X"),
        (Role.SUPERVISOR, "13812345678", "110105********002X"),
        (Role.MANAGER, "13812345678", "110105********002X"),
    ],
)
def test_file_masks_personal_data_by_role(client, project, household, role, phone, id_number):
    """Phones are full for the desk; ID numbers are masked for every role on opening the file
    (supervisors and managers show one in full with its own audited action)."""
    user = UserFactory(role=role, projects=[project])
    client.force_login(user)
    html = client.get(file_url(household)).content.decode()
    assert phone in html and id_number in html
    if "*" in phone:
        assert "13812345678" not in html
    if "*" in id_number:
        assert "11010519491231002X" not in html


def test_another_projects_household_is_a_404(client, other_desk_user, household):
    """A household of a project the user is not in does not exist for them."""
    client.force_login(other_desk_user)
    assert client.get(file_url(household)).status_code == 404


def test_read_only_roles_get_no_edit_links(client, engineer, household):
    """An engineer can read the file but is offered no edit actions."""
    client.force_login(engineer)
    html = client.get(file_url(household)).content.decode()
    assert reverse("residents:person-add", kwargs={"household_id": household.pk}) not in html
    assert "王建国" in html


def test_file_query_count_is_fixed(client, desk_user, household, django_assert_num_queries):
    """The file page costs the same number of queries for a small and a large household."""
    client.force_login(desk_user)
    fill_file(household, desk_user, 1)
    register(household=household, by=desk_user, matter="阳台地漏堵塞")
    # 24 for the file with its duty-log panel, 6 for the fees panel, 5 for the household's
    # alerts (important, repeated complaints in two, dissatisfied, arrears), 2 for passes.
    with django_assert_num_queries(36):
        small = client.get(file_url(household))
    fill_file(household, desk_user, 4, start=1)
    for n in range(4):
        register(household=household, by=desk_user, matter=f"客厅灯不亮 {n}")
    with django_assert_num_queries(36):
        large = client.get(file_url(household))
    assert small.status_code == large.status_code == 200
    assert large.content.decode().count("工人") > small.content.decode().count("工人")
    assert large.content.decode().count("WX-") > small.content.decode().count("WX-")


def test_file_lists_the_households_orders_with_their_timeline(
    client, desk_user, household, other_desk_user
):
    """An order registered for the household shows on its file with serial and status; its
    timeline opens on demand from the order's timeline address, which answers its events to
    the desk and nothing to a user of another project."""
    ticket = register(household=household, by=desk_user, matter="卫生间水管爆裂")
    client.force_login(desk_user)
    html = client.get(file_url(household)).content.decode()
    assert ticket.serial in html and "卫生间水管爆裂" in html
    assert reverse("tickets:detail", kwargs={"pk": ticket.pk}) in html
    assert f"{reverse('tickets:new')}?household={household.pk}&amp;kind=repair" in html
    timeline_url = reverse("tickets:timeline", kwargs={"pk": ticket.pk})
    assert f'hx-get="{timeline_url}"' in html
    fragment = client.get(timeline_url)
    assert fragment.status_code == 200
    assert fragment.content.decode().count("<li>") == 1  # the registration
    assert "<html" not in fragment.content.decode()
    client.force_login(other_desk_user)
    assert client.get(timeline_url).status_code == 404


# --- My settings ----------------------------------------------------------------------


def test_language_choice_is_saved_and_applies_at_once(client, desk_user):
    """Choosing English saves it on the profile and the next page is in English."""
    client.force_login(desk_user)
    response = client.post(reverse("my-settings"), {"language": "en"}, follow=True)
    assert StaffProfile.objects.get(user=desk_user).language == "en"
    assert client.session[SESSION_KEY] == "en"
    assert '<html lang="en">' in response.content.decode()
    client.post(reverse("my-settings"), {"language": "zh-hans"})
    html = client.get(reverse("my-settings")).content.decode()
    assert '<html lang="zh-hans">' in html


def test_unknown_language_is_refused(client, desk_user):
    """A language the desk does not offer is a form error and nothing is saved."""
    client.force_login(desk_user)
    response = client.post(reverse("my-settings"), {"language": "fr"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    assert not StaffProfile.objects.filter(user=desk_user, language="fr").exists()
