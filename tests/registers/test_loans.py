"""Keys and household files lent against the register: lend, take back, overdue, scoping."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from frontdesk.core.errors import ApplicationError
from frontdesk.core.open_items import gather_open_items
from frontdesk.core.roles import Role
from frontdesk.registers.choices.loans import KeyKind, LoanStatus
from frontdesk.registers.models import Key, Loan
from frontdesk.registers.services.loans import loan_lend, loan_return
from tests.factories import UnitFactory, UserFactory


@pytest.fixture
def vacant_key(project, building):
    unit = UnitFactory(building=building, project=project, number="0801", floor=8)
    return Key.objects.create(
        project=project, kind=KeyKind.VACANT_UNIT, label="3-0801 大门", hook="A01", unit=unit
    )


@pytest.fixture
def cabinet_key(project):
    return Key.objects.create(
        project=project, kind=KeyKind.FILE_CABINET, label="资料柜", hook="B01"
    )


@pytest.fixture
def other_key(other_project):
    return Key.objects.create(project=other_project, kind=KeyKind.OTHER, label="机房", hook="C01")


@pytest.fixture
def security(project):
    return UserFactory(role=Role.SECURITY, projects=[project], username="guard1")


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Services' messages are read in English here (a page request may leave Chinese active)."""
    with translation.override("en"):
        yield


def lend(key, by, **kwargs):
    kwargs.setdefault("purpose", "带装修工人看房")
    kwargs.setdefault("borrower_name", "李师傅")
    kwargs.setdefault("borrower_company", "恒兴装饰")
    kwargs.setdefault("borrower_phone", "13900001111")
    return loan_lend(project=key.project, by=by, key=key, **kwargs)


def test_a_key_is_lent_and_taken_back(vacant_key, desk_user):
    """A vacant unit's key goes out to a decoration worker and comes back received by the clerk."""
    loan = lend(vacant_key, desk_user)
    assert loan.status == LoanStatus.OUT and loan.item_label == "A01 · 3-0801 大门"
    assert loan.due_at - loan.lent_at == dt.timedelta(hours=4)
    loan = loan_return(loan=loan, by=desk_user)
    assert loan.status == LoanStatus.RETURNED and loan.received_by == desk_user
    assert loan.returned_by_name == "李师傅"


def test_a_key_that_is_out_cannot_be_lent_again(vacant_key, desk_user):
    """Lending a key that is out is refused with a message naming who has it; nothing is written."""
    lend(vacant_key, desk_user)
    with pytest.raises(ApplicationError) as refused:
        lend(vacant_key, desk_user, borrower_name="张三")
    assert "李师傅" in refused.value.fields["key"][0]
    assert Loan.objects.count() == 1


def test_returning_twice_is_refused(vacant_key, desk_user, supervisor):
    """A second return says when and by whom the key was already taken back; nothing changes."""
    loan = lend(vacant_key, desk_user)
    loan_return(loan=loan, by=desk_user)
    with pytest.raises(ApplicationError, match="already taken back"):
        loan_return(loan=loan, by=supervisor)
    loan.refresh_from_db()
    assert loan.received_by == desk_user


def test_a_household_file_is_lent_to_a_colleague(household, desk_user, butler):
    """A household file goes to a staff member by name; the file cannot go out twice."""
    loan = loan_lend(
        project=household.project,
        by=desk_user,
        household=household,
        borrower=butler,
        purpose="核对业主信息",
    )
    assert loan.borrower == butler and household.file_number in loan.item_label
    with pytest.raises(ApplicationError):
        loan_lend(
            project=household.project,
            by=desk_user,
            household=household,
            borrower=desk_user,
            purpose="再借",
        )


def test_security_lends_keys_at_night_but_not_household_files(vacant_key, household, security):
    """The night guard may lend a key; a household file stays with the desk."""
    assert lend(vacant_key, security).lent_by == security
    with pytest.raises(ApplicationError, match="desk only"):
        loan_lend(
            project=household.project,
            by=security,
            household=household,
            borrower_name="某人",
            borrower_phone="13900002222",
            purpose="查",
        )


def test_bad_input_names_each_field(vacant_key, desk_user, engineer):
    """Outside borrower without a phone, a due time in the past, an engineer lending: refused."""
    with pytest.raises(ApplicationError) as refused:
        lend(
            vacant_key,
            desk_user,
            borrower_phone="",
            purpose="",
            due_at=timezone.now() - dt.timedelta(hours=1),
        )
    assert {"borrower_phone", "purpose", "due_at"} <= set(refused.value.fields)
    with pytest.raises(ApplicationError, match="role"):
        lend(vacant_key, engineer)
    assert not Loan.objects.exists()


def test_a_key_of_another_project_is_refused(other_key, project, desk_user):
    """A key of another project's board cannot be lent in this project."""
    with pytest.raises(ApplicationError):
        loan_lend(
            project=project,
            by=desk_user,
            key=other_key,
            borrower_name="王",
            borrower_phone="13900003333",
            purpose="x",
        )


def test_an_overdue_loan_is_flagged_on_the_board_and_in_the_handover(
    vacant_key, cabinet_key, desk_user, client, time_machine
):
    """Past its due time a loan shows as overdue on the board and among the handover's items."""
    time_machine.move_to(timezone.now() - dt.timedelta(hours=6))
    lend(vacant_key, desk_user, due_at=timezone.now() + dt.timedelta(hours=1))
    time_machine.move_to(timezone.now() + dt.timedelta(hours=6))
    lend(cabinet_key, desk_user)
    sections = {s["key"]: s for s in gather_open_items(project=vacant_key.project)}
    items = sections["registers.loans_overdue"]["items"]
    assert len(items) == 1 and "3-0801" in items[0]["text"] and "李师傅" in items[0]["text"]
    client.force_login(desk_user)
    response = client.get(reverse("registers:loans"))
    assert response.context["overdue"] == 1
    assert '<tr class="overdue">' in response.content.decode()


def test_the_board_shows_what_is_in_and_out(vacant_key, cabinet_key, desk_user, client):
    """The key board lists each key, in or out with whom; the return button takes it back."""
    loan = lend(vacant_key, desk_user)
    client.force_login(desk_user)
    page = client.get(reverse("registers:loans")).content.decode()
    assert "资料柜" in page and "李师傅" in page
    response = client.post(reverse("registers:loan-return", args=[loan.pk]), {})
    assert response.status_code == 302
    second = client.post(reverse("registers:loan-return", args=[loan.pk]), {})
    assert second.status_code == 400
    assert second.context["form"].non_field_errors()


def test_lending_from_the_page(vacant_key, household, desk_user, client):
    """The lend form lends a key picked on the board, or a file named by its unit."""
    client.force_login(desk_user)
    response = client.post(
        reverse("registers:loan-lend"),
        {
            "project": vacant_key.project_id,
            "key": vacant_key.pk,
            "borrower_name": "李师傅",
            "borrower_phone": "13900001111",
            "purpose": "量尺寸",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("registers:loan-lend"),
        {
            "project": household.project_id,
            "file": household.unit.code,
            "borrower": desk_user.pk,
            "purpose": "查档",
        },
    )
    assert response.status_code == 302
    loan = Loan.objects.get(household=household, status="out")
    page = client.get(reverse("registers:loan", args=[loan.pk]))
    assert page.status_code == 200 and f"?household={household.pk}" in page.content.decode()


def test_another_projects_loan_is_not_found(
    other_key, other_desk_user, desk_user, client, api_client
):
    """A loan of another project is a 404 on its page and in the API."""
    loan = lend(other_key, other_desk_user)
    client.force_login(desk_user)
    assert client.get(reverse("registers:loan", args=[loan.pk])).status_code == 404
    assert client.get(reverse("registers:key-history", args=[other_key.pk])).status_code == 404
    api_client.force_authenticate(desk_user)
    assert api_client.get(f"/api/v1/key-loans/{loan.pk}/").status_code == 404
    assert api_client.post(f"/api/v1/key-loans/{loan.pk}/return/", {}).status_code == 404
    assert api_client.get("/api/v1/key-loans/").json()["results"] == []


def test_the_api_lends_filters_and_takes_back(vacant_key, cabinet_key, desk_api):
    """POST lends, the list filters by status and key, return answers the loan, twice is a 400."""
    response = desk_api.post(
        "/api/v1/key-loans/",
        {
            "key": vacant_key.pk,
            "borrower_name": "李师傅",
            "borrower_phone": "13900001111",
            "purpose": "看房",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    loan_id = response.json()["id"]
    refused = desk_api.post(
        "/api/v1/key-loans/",
        {
            "key": vacant_key.pk,
            "borrower_name": "张",
            "borrower_phone": "13900001112",
            "purpose": "看",
        },
        format="json",
    )
    assert refused.status_code == 400 and "李师傅" in refused.json()["key"][0]
    listed = desk_api.get("/api/v1/key-loans/", {"status": "out", "key": vacant_key.pk}).json()
    assert [r["id"] for r in listed["results"]] == [loan_id]
    keys = {k["label"]: k for k in desk_api.get("/api/v1/keys/").json()["results"]}
    assert keys["3-0801 大门"]["out"] is True and keys["资料柜"]["out"] is False
    assert (
        desk_api.post(f"/api/v1/key-loans/{loan_id}/return/", {}, format="json").status_code == 200
    )
    again = desk_api.post(f"/api/v1/key-loans/{loan_id}/return/", {}, format="json")
    assert again.status_code == 400 and "收回" in again.json()["non_field_errors"][0]


def test_the_page_and_the_api_filter_alike(vacant_key, cabinet_key, desk_user, client, desk_api):
    """?status=out gives the same loans on the page and in the API."""
    out = lend(vacant_key, desk_user)
    back = lend(cabinet_key, desk_user)
    loan_return(loan=back, by=desk_user)
    api_ids = [r["id"] for r in desk_api.get("/api/v1/key-loans/?status=out").json()["results"]]
    client.force_login(desk_user)
    page = client.get(reverse("registers:loans") + "?status=out")
    assert api_ids == [out.pk] and [r.pk for r in page.context["rows"]] == [out.pk]


def test_phones_are_masked_for_roles_without_the_right(vacant_key, desk_user, project):
    """A security guard sees the borrower's phone masked, on the page and in the API."""
    from django.test import Client
    from rest_framework.test import APIClient

    loan = lend(vacant_key, desk_user)
    guard = UserFactory(role=Role.SECURITY, projects=[project], username="guard2")
    api = APIClient()
    api.force_authenticate(guard)
    assert api.get(f"/api/v1/key-loans/{loan.pk}/").json()["borrower_phone"] == "139****1111"
    client = Client()
    client.force_login(guard)
    page = client.get(reverse("registers:loan", args=[loan.pk])).content.decode()
    assert "139****1111" in page and "13900001111" not in page


def test_query_counts_stay_flat(
    vacant_key, cabinet_key, desk_user, client, desk_api, django_assert_max_num_queries
):
    """The board, a loan page and the API list cost a fixed number of queries."""
    for key in (vacant_key, cabinet_key):
        loan_return(loan=lend(key, desk_user), by=desk_user)
        lend(key, desk_user)
    client.force_login(desk_user)
    loan = Loan.objects.first()
    with django_assert_max_num_queries(14):
        response = client.get(reverse("registers:loans"))
    assert len(response.context["rows"]) == 4 and len(response.context["keys"]) == 2
    with django_assert_max_num_queries(10):
        assert client.get(reverse("registers:loan", args=[loan.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert desk_api.get("/api/v1/key-loans/").status_code == 200
    with django_assert_max_num_queries(8):
        assert desk_api.get("/api/v1/keys/").status_code == 200


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_taking_back_at_once_one_wins(vacant_key, desk_user, supervisor):
    """Two returns of one loan at the same moment: exactly one succeeds, the other is told."""
    loan = lend(vacant_key, desk_user)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def work(user):
        try:
            barrier.wait(timeout=10)
            loan_return(loan=loan, by=user)
            results.append("ok")
        except ApplicationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in (desk_user, supervisor)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["ok", "refused"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_lending_one_key_at_once_one_wins(vacant_key, desk_user, supervisor):
    """Two loans of one key at the same moment: one goes out, the other is refused."""
    barrier = threading.Barrier(2)
    results: list[str] = []

    def work(user):
        try:
            barrier.wait(timeout=10)
            lend(vacant_key, user)
            results.append("ok")
        except ApplicationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(u,)) for u in (desk_user, supervisor)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["ok", "refused"]
    assert Loan.objects.filter(key=vacant_key, status="out").count() == 1


def test_the_supervisor_keeps_the_key_board_in_the_admin(client, project, other_project, building):
    """A supervisor adds a key to the project's board and opens the holding period in the
    admin; loans are read only there."""
    boss = UserFactory(username="boss", role=Role.SUPERVISOR, projects=[project], is_staff=True)
    unit = UnitFactory(building=building, project=project, number="0901", floor=9)
    client.force_login(boss)
    response = client.post(
        reverse("admin:registers_key_add"),
        {
            "project": project.pk,
            "kind": "vacant_unit",
            "label": "3-0901 入户门",
            "hook": "A09",
            "unit": unit.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Key.objects.get(hook="A09").unit == unit
    assert client.get(reverse("admin:registers_loan_add")).status_code == 403
    assert client.get(reverse("admin:registers_lostfoundsettings_add")).status_code == 200


def test_the_registers_index_flags_overdue_loans(vacant_key, desk_user, client, time_machine):
    """The index loads a badge with the count of overdue loans, linking to them."""
    badge = reverse("registers:loans-overdue-badge")
    lend(vacant_key, desk_user, due_at=timezone.now() + dt.timedelta(minutes=10))
    client.force_login(desk_user)
    assert badge in client.get(reverse("registers:index")).content.decode()
    assert "badge bad" not in client.get(badge).content.decode()
    time_machine.move_to(timezone.now() + dt.timedelta(minutes=15))
    response = client.get(badge)
    assert response.context["overdue"] == 1 and "overdue=true" in response.content.decode()


def test_a_clerk_of_two_projects_sees_each_keys_project(vacant_key, other_key, client):
    """On the key board of a clerk working in two projects, each key names its project."""
    clerk = UserFactory(
        role=Role.DESK, projects=[vacant_key.project, other_key.project], username="both"
    )
    client.force_login(clerk)
    page = client.get(reverse("registers:loans")).content.decode()
    assert vacant_key.project.name in page and other_key.project.name in page
