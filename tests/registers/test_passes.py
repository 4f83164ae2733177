"""Item release passes (物品放行): issue, the gate's single check, void, print, the API; and
temporary passes (临时出入证) and the desk's card work, with their fees for the bill."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from billing.models import BillLine, DeskCharge
from billing.services import bill_run
from frontdesk.core.errors import ApplicationError
from frontdesk.core.roles import Role
from frontdesk.registers.models import CardWork, ReleasePass, TemporaryPass
from frontdesk.registers.selectors.passes import (
    expected_today,
    pass_code,
    temporary_passes_due,
)
from frontdesk.registers.services.passes import (
    PassInput,
    TemporaryPassInput,
    card_work_record,
    release_pass_issue,
    release_pass_verify,
    release_pass_void,
    temporary_pass_issue,
    temporary_pass_lose,
    temporary_pass_return,
)
from residents.models import Card
from tests.factories import HouseholdFactory, PersonFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
YEAR_START = dt.date(YEAR, 1, 1)


@pytest.fixture
def security(project):
    return UserFactory(role=Role.SECURITY, projects=[project], username="guard1")


@pytest.fixture
def tenant(household):
    return PersonFactory(
        household=household,
        project=household.project,
        name="李租客",
        role="tenant",
        phone="13900001111",
        is_primary=False,
    )


@pytest.fixture
def other_household(other_project):
    unit = UnitFactory(project=other_project, building__project=other_project)
    household = HouseholdFactory(unit=unit, project=other_project)
    PersonFactory(household=household, project=other_project, name="赵西山")
    return household


def data(**overrides) -> PassInput:
    values = {
        "carrier_name": "王建国",
        "goods": "旧沙发、书柜",
        "quantity": 2,
        "valid_from": timezone.localdate(),
        "gate": "东门",
    }
    values.update(overrides)
    return PassInput(**values)


def issue(household, by, **overrides) -> ReleasePass:
    return release_pass_issue(
        project=household.project, household=household, by=by, data=data(**overrides)
    )


def pdf_text(response) -> str:
    """The PDF's text without spaces (a letter-spaced title comes out as "重 印")."""
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    return "".join(text.split())


# --- Issue ---------------------------------------------------------------------------------------


def test_a_listed_owner_gets_a_numbered_pass_without_confirmation(household, desk_user):
    """A pass for a listed owner is numbered FX-<year>-000001 and needs no owner's confirmation."""
    release_pass = issue(household, desk_user)
    assert release_pass.number == f"FX-{YEAR}-000001"
    assert release_pass.status == "issued"
    assert release_pass.carrier_person.name == "王建国"
    assert release_pass.carrier_phone == "13812345678"
    assert not release_pass.confirmed_by and release_pass.confirmed_at is None
    assert release_pass.valid_until == release_pass.valid_from


def test_a_tenant_is_also_listed(household, desk_user, tenant):
    """A listed tenant takes goods out without the owner's confirmation."""
    release_pass = issue(household, desk_user, carrier_name="李租客")
    assert release_pass.carrier_person == tenant


def test_someone_not_listed_needs_the_owners_confirmation_and_no_number_is_used(
    household, desk_user
):
    """A mover not in the file, with no confirmation, is refused: no row, no number used."""
    with pytest.raises(ApplicationError) as refused:
        issue(household, desk_user, carrier_name="搬家师傅")
    assert "confirmed_by" in refused.value.fields and "confirmed_via" in refused.value.fields
    assert ReleasePass.objects.count() == 0
    assert issue(household, desk_user).number == f"FX-{YEAR}-000001"


def test_the_owners_confirmation_is_recorded_who_how_when(household, desk_user):
    """A mover not in the file gets a pass once a listed owner confirmed, recorded in full."""
    release_pass = issue(
        household, desk_user, carrier_name="搬家师傅", confirmed_by="王建国", confirmed_via="phone"
    )
    assert release_pass.carrier_person is None
    assert release_pass.confirmed_by == "王建国"
    assert release_pass.confirmed_via == "phone"
    assert release_pass.confirmed_at is not None


def test_a_confirmation_by_someone_not_an_owner_is_refused(household, desk_user, tenant):
    """Only a listed owner can confirm: a tenant's word is not enough for a stranger."""
    with pytest.raises(ApplicationError) as refused:
        issue(
            household,
            desk_user,
            carrier_name="搬家师傅",
            confirmed_by="李租客",
            confirmed_via="in_person",
        )
    assert "confirmed_by" in refused.value.fields
    assert ReleasePass.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"goods": "  "}, "goods"),
        ({"gate": ""}, "gate"),
        ({"quantity": 0}, "quantity"),
        ({"valid_from": dt.date(2020, 1, 1)}, "valid_from"),
        ({"valid_until": dt.date(2020, 1, 1)}, "valid_until"),
        ({"valid_until": timezone.localdate() + dt.timedelta(days=60)}, "valid_until"),
    ],
)
def test_bad_input_is_refused_with_a_field_message(household, desk_user, overrides, field):
    """Blank goods or gate, no pieces, a past start, dates reversed or too long: refused."""
    with pytest.raises(ApplicationError) as refused:
        issue(household, desk_user, **overrides)
    assert field in refused.value.fields
    assert ReleasePass.objects.count() == 0


def test_another_projects_household_is_refused(household, other_household, desk_user):
    """A household of another project cannot get a pass in this one."""
    with pytest.raises(ApplicationError):
        release_pass_issue(
            project=household.project, household=other_household, by=desk_user, data=data()
        )
    assert ReleasePass.objects.count() == 0


@pytest.mark.parametrize("role", [Role.BUTLER, Role.ENGINEERING, Role.SECURITY])
def test_only_the_desk_issues(household, project, role):
    """A butler, an engineer or a guard may not issue a pass."""
    user = UserFactory(role=role, projects=[project])
    with pytest.raises(ApplicationError):
        issue(household, user)
    assert ReleasePass.objects.count() == 0


def test_numbers_run_per_project(household, other_household, desk_user, other_desk_user):
    """Each project counts its own passes from 1."""
    issue(household, desk_user)
    issue(household, desk_user)
    other = release_pass_issue(
        project=other_household.project,
        household=other_household,
        by=other_desk_user,
        data=data(carrier_name="赵西山"),
    )
    assert other.number == f"FX-{YEAR}-000001"
    assert ReleasePass.objects.filter(project=household.project).count() == 2


# --- The gate ------------------------------------------------------------------------------------


def test_a_pass_is_good_once_then_refused_with_the_reason(household, desk_user, security):
    """The first check marks the pass used (by whom, when, which gate); the second says so."""
    release_pass = issue(household, desk_user)
    used = release_pass_verify(release_pass=release_pass, by=security, gate="东门")
    assert used.status == "used" and used.used_by == security and used.used_gate == "东门"
    with pytest.raises(ApplicationError) as refused:
        release_pass_verify(release_pass=release_pass, by=desk_user, gate="西门")
    assert "已使用" in str(refused.value)
    release_pass.refresh_from_db()
    assert release_pass.used_by == security and release_pass.used_gate == "东门"


def test_an_expired_pass_is_refused_and_nothing_written(household, desk_user, security):
    """A pass checked after its last day is refused as expired and stays unused."""
    release_pass = issue(household, desk_user)
    later = timezone.now() + dt.timedelta(days=2)
    with time_machine.travel(later, tick=False), pytest.raises(ApplicationError) as refused:
        release_pass_verify(release_pass=release_pass, by=security, gate="东门")
    assert "已过期" in str(refused.value)
    release_pass.refresh_from_db()
    assert release_pass.status == "issued" and release_pass.used_at is None


def test_a_pass_before_its_first_day_is_refused(household, desk_user, security):
    """A pass for tomorrow is not good today."""
    release_pass = issue(
        household, desk_user, valid_from=timezone.localdate() + dt.timedelta(days=1)
    )
    with pytest.raises(ApplicationError) as refused:
        release_pass_verify(release_pass=release_pass, by=security, gate="东门")
    assert "尚未生效" in str(refused.value)


def test_a_voided_pass_is_refused_with_the_void_reason(household, desk_user, security):
    """Voiding keeps the pass with its reason; the gate then refuses it, quoting the reason."""
    release_pass = issue(household, desk_user)
    release_pass_void(release_pass=release_pass, by=desk_user, reason="业主取消搬家")
    with pytest.raises(ApplicationError) as refused:
        release_pass_verify(release_pass=release_pass, by=security, gate="东门")
    assert "业主取消搬家" in str(refused.value)
    assert ReleasePass.objects.filter(status="void").count() == 1


def test_a_used_pass_cannot_be_voided_and_a_guard_cannot_void(household, desk_user, security):
    """Voiding is the desk's, before use."""
    release_pass = issue(household, desk_user)
    with pytest.raises(ApplicationError):
        release_pass_void(release_pass=release_pass, by=security, reason="x")
    release_pass_verify(release_pass=release_pass, by=security, gate="东门")
    with pytest.raises(ApplicationError):
        release_pass_void(release_pass=release_pass, by=desk_user, reason="太晚了")
    release_pass.refresh_from_db()
    assert release_pass.status == "used" and not release_pass.void_reason


def test_a_butler_may_not_check_passes(household, desk_user, butler):
    """Only security and the desk check passes at the gate."""
    release_pass = issue(household, desk_user)
    with pytest.raises(ApplicationError):
        release_pass_verify(release_pass=release_pass, by=butler, gate="东门")


def test_passes_good_today_and_unused_are_open_for_the_handover(household, desk_user, security):
    """The handover lists the passes good today and not yet used, and only those."""
    expected = issue(household, desk_user, goods="冰箱")
    used = issue(household, desk_user)
    release_pass_verify(release_pass=used, by=security, gate="东门")
    voided = issue(household, desk_user)
    release_pass_void(release_pass=voided, by=desk_user, reason="填错")
    issue(household, desk_user, valid_from=timezone.localdate() + dt.timedelta(days=1))
    items = expected_today(household.project, timezone.now())
    assert [item.text.split(" ")[0] for item in items] == [expected.number]
    assert "冰箱" in items[0].text
    assert items[0].url == reverse("registers:passes-detail", kwargs={"pk": expected.pk})


# --- Concurrency on PostgreSQL -------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_leave_no_gap(household, desk_user):
    """6 threads × 10 issues at once, some refused: the numbers are 1..n without gap or twin."""
    threads_n, per_thread = 6, 10
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(per_thread):
                try:
                    issue(household, desk_user, carrier_name="陌生人" if i % 4 == 1 else "王建国")
                except ApplicationError:
                    pass
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    numbers = list(ReleasePass.objects.order_by("id").values_list("number", flat=True))
    assert len(numbers) == threads_n * (per_thread - 3)
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, len(numbers) + 1))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_gates_checking_one_pass_let_exactly_one_through(household, desk_user, security):
    """Two gates check the same pass at the same moment: one VALID, one refused as used."""
    release_pass = issue(household, desk_user)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def gate(name: str) -> None:
        try:
            barrier.wait(timeout=30)
            try:
                release_pass_verify(release_pass=release_pass, by=security, gate=name)
                outcome = f"valid:{name}"
            except ApplicationError as error:
                outcome = f"refused:{error}"
            with lock:
                outcomes.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=gate, args=(name,)) for name in ("东门", "西门")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2
    valid = [o for o in outcomes if o.startswith("valid:")]
    refused = [o for o in outcomes if o.startswith("refused:")]
    assert len(valid) == 1 and len(refused) == 1
    assert "已使用" in refused[0]
    release_pass.refresh_from_db()
    assert release_pass.used_gate == valid[0].split(":", 1)[1]


# --- API -----------------------------------------------------------------------------------------


def body(**overrides):
    values = {
        "household": None,
        "carrier_name": "王建国",
        "goods": "旧沙发",
        "quantity": 1,
        "valid_from": timezone.localdate().isoformat(),
        "gate": "东门",
    }
    values.update(overrides)
    return values


def test_api_issues_and_lists_with_masked_phone_for_security(
    api_client, household, desk_user, security
):
    """The desk issues through the API; a guard lists it with the phone masked."""
    api_client.force_authenticate(desk_user)
    response = api_client.post("/api/v1/passes/", body(household=household.pk), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == f"FX-{YEAR}-000001"
    assert response.json()["carrier_phone"] == "13812345678"
    api_client.force_authenticate(security)
    rows = api_client.get("/api/v1/passes/").json()["results"]
    assert rows[0]["carrier_phone"] == "138****5678"


def test_api_refuses_a_stranger_without_confirmation(api_client, household, desk_user):
    """A 400 names the missing confirmation; nothing is issued."""
    api_client.force_authenticate(desk_user)
    response = api_client.post(
        "/api/v1/passes/", body(household=household.pk, carrier_name="搬家师傅"), format="json"
    )
    assert response.status_code == 400
    assert "confirmed_by" in response.json()
    assert ReleasePass.objects.count() == 0


def test_api_refuses_a_household_of_another_project(api_client, other_household, desk_user):
    """A household of a project the clerk does not work in is not found: 400, nothing issued."""
    api_client.force_authenticate(desk_user)
    response = api_client.post("/api/v1/passes/", body(household=other_household.pk), format="json")
    assert response.status_code == 400
    assert "household" in response.json()
    assert ReleasePass.objects.count() == 0


@pytest.mark.parametrize("role", [Role.BUTLER, Role.ENGINEERING, Role.SECURITY])
def test_api_refuses_issue_to_other_roles(api_client, household, project, role):
    """Issuing is the desk's: other roles get a 403."""
    api_client.force_authenticate(UserFactory(role=role, projects=[project]))
    response = api_client.post("/api/v1/passes/", body(household=household.pk), format="json")
    assert response.status_code == 403
    assert ReleasePass.objects.count() == 0


def test_api_verify_once_then_400_with_the_reason(api_client, household, desk_user, security):
    """The gate's POST marks the pass used; the second says it was already used, writes nothing."""
    release_pass = issue(household, desk_user)
    api_client.force_authenticate(security)
    url = f"/api/v1/passes/{release_pass.pk}/verify/"
    first = api_client.post(url, {"gate": "东门"}, format="json")
    assert first.status_code == 200
    assert first.json()["status"] == "used" and first.json()["used_gate"] == "东门"
    second = api_client.post(url, {"gate": "西门"}, format="json")
    assert second.status_code == 400
    assert "已使用" in second.json()["non_field_errors"][0]
    release_pass.refresh_from_db()
    assert release_pass.used_gate == "东门"


def test_api_verify_by_number_and_by_signed_code(api_client, household, desk_user, security):
    """The gate verifies by the typed number or the QR code's text; a forged code is refused."""
    typed = issue(household, desk_user)
    scanned = issue(household, desk_user)
    api_client.force_authenticate(security)
    url = "/api/v1/passes/verify/"
    response = api_client.post(url, {"number": typed.number.lower(), "gate": "东门"}, format="json")
    assert response.status_code == 200 and response.json()["id"] == typed.pk
    forged = api_client.post(url, {"number": f"{scanned.number}:forged", "gate": "东门"})
    assert forged.status_code == 400 and "number" in forged.json()
    good = api_client.post(url, {"number": pass_code(scanned), "gate": "东门"}, format="json")
    assert good.status_code == 200 and good.json()["status"] == "used"
    missing = api_client.post(url, {"number": "FX-1999-000001", "gate": "东门"}, format="json")
    assert missing.status_code == 400 and "number" in missing.json()


def test_api_verify_refuses_expired_and_voided(api_client, household, desk_user, security):
    """Expired and voided passes are a 400 with the reason."""
    expired = issue(household, desk_user)
    voided = issue(household, desk_user)
    api_client.force_authenticate(desk_user)
    assert (
        api_client.post(
            f"/api/v1/passes/{voided.pk}/void/", {"reason": "填错门岗"}, format="json"
        ).status_code
        == 200
    )
    api_client.force_authenticate(security)
    response = api_client.post(f"/api/v1/passes/{voided.pk}/verify/", {"gate": "东门"})
    assert response.status_code == 400 and "填错门岗" in str(response.json())
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        response = api_client.post(f"/api/v1/passes/{expired.pk}/verify/", {"gate": "东门"})
    assert response.status_code == 400 and "已过期" in str(response.json())


def test_api_another_projects_pass_is_404(api_client, household, desk_user, other_desk_user):
    """A pass of another project does not exist for the clerk: detail, verify and void 404, and
    its number is not found at the gate."""
    release_pass = issue(household, desk_user)
    api_client.force_authenticate(other_desk_user)
    assert api_client.get(f"/api/v1/passes/{release_pass.pk}/").status_code == 404
    url = f"/api/v1/passes/{release_pass.pk}/verify/"
    assert api_client.post(url, {"gate": "东门"}).status_code == 404
    url = f"/api/v1/passes/{release_pass.pk}/void/"
    assert api_client.post(url, {"reason": "x"}).status_code == 404
    number = {"number": release_pass.number, "gate": "东门"}
    assert api_client.post("/api/v1/passes/verify/", number).status_code == 400
    release_pass.refresh_from_db()
    assert release_pass.status == "issued"


def test_api_security_may_not_void(api_client, household, desk_user, security):
    """A guard's void is a 403; the pass stays good."""
    release_pass = issue(household, desk_user)
    api_client.force_authenticate(security)
    response = api_client.post(f"/api/v1/passes/{release_pass.pk}/void/", {"reason": "x"})
    assert response.status_code == 403
    release_pass.refresh_from_db()
    assert release_pass.status == "issued"


def test_api_list_and_detail_cost_a_fixed_number_of_queries(
    api_client, household, desk_user, django_assert_max_num_queries
):
    """Listing 5 passes or showing one costs a fixed number of queries."""
    for _ in range(5):
        issue(household, desk_user)
    api_client.force_authenticate(desk_user)
    with django_assert_max_num_queries(6):
        response = api_client.get("/api/v1/passes/")
    assert len(response.json()["results"]) == 5
    pk = ReleasePass.objects.first().pk
    with django_assert_max_num_queries(6):
        assert api_client.get(f"/api/v1/passes/{pk}/").status_code == 200


def test_api_filters_as_the_page_does(client, api_client, household, desk_user, security):
    """`?status=used&date=<today>` gives the same passes on the page and in the API."""
    used = issue(household, desk_user)
    release_pass_verify(release_pass=used, by=security, gate="东门")
    issue(household, desk_user)
    query = f"?status=used&date={timezone.localdate().isoformat()}&household={household.pk}"
    api_client.force_authenticate(desk_user)
    api_numbers = [r["number"] for r in api_client.get("/api/v1/passes/" + query).json()["results"]]
    client.force_login(desk_user)
    page = client.get(reverse("registers:passes") + query).content.decode()
    assert api_numbers == [used.number]
    assert used.number in page and f"FX-{YEAR}-000002" not in page


# --- Printing ------------------------------------------------------------------------------------


def test_print_counts_and_shows_number_household_goods(api_client, household, desk_user, security):
    """POST prints and counts (a second print says reprint); GET previews without counting; the
    phone is masked for a guard's preview."""
    release_pass = issue(household, desk_user, goods="钢琴一台")
    api_client.force_authenticate(desk_user)
    url = f"/api/v1/passes/{release_pass.pk}/print/"
    text = pdf_text(api_client.post(url))
    assert release_pass.number in text and household.unit.code in text
    assert "钢琴一台" in text and "13812345678" in text
    assert "Reprint" not in text and "重印" not in text
    second = pdf_text(api_client.post(url))
    assert "Reprint" in second or "重印" in second
    preview = pdf_text(api_client.get(url))
    release_pass.refresh_from_db()
    assert release_pass.print_count == 2
    assert "Preview" in preview or "预览" in preview
    api_client.force_authenticate(security)
    guard = pdf_text(api_client.get(url))
    assert "138****5678" in guard and "13812345678" not in guard
    assert api_client.post(url).status_code == 403


# --- Pages ---------------------------------------------------------------------------------------


def test_issue_page_issues_for_the_picked_household(client, household, desk_user):
    """The desk's form, with the household picked, issues the pass and opens it."""
    client.force_login(desk_user)
    url = reverse("registers:passes-new")
    page = client.get(url + f"?household={household.pk}")
    assert page.status_code == 200 and "王建国" in page.content.decode()
    response = client.post(
        url,
        {
            "household": household.pk,
            "project": household.project_id,
            "carrier_name": "王建国",
            "goods": "洗衣机",
            "quantity": 1,
            "valid_from": timezone.localdate().isoformat(),
            "gate": "东门",
        },
    )
    release_pass = ReleasePass.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "registers:passes-detail", kwargs={"pk": release_pass.pk}
    )


def test_issue_page_shows_the_missing_confirmation(client, household, desk_user):
    """A stranger without confirmation comes back with the message; nothing issued."""
    client.force_login(desk_user)
    response = client.post(
        reverse("registers:passes-new"),
        {
            "household": household.pk,
            "project": household.project_id,
            "carrier_name": "搬家师傅",
            "goods": "洗衣机",
            "quantity": 1,
            "valid_from": timezone.localdate().isoformat(),
            "gate": "东门",
        },
    )
    assert response.status_code == 200
    assert "搬家师傅" in response.content.decode()
    assert ReleasePass.objects.count() == 0


def test_issue_page_is_the_desks(client, engineer):
    """An engineer cannot open the issue form."""
    client.force_login(engineer)
    assert client.get(reverse("registers:passes-new")).status_code == 403


def test_gate_page_valid_once_then_refused(client, household, desk_user, security):
    """The guard's page says VALID the first time and REFUSED with the reason the second."""
    release_pass = issue(household, desk_user)
    client.force_login(security)
    url = reverse("registers:passes-gate")
    opened = client.get(url + f"?code={pass_code(release_pass)}").content.decode()
    assert release_pass.number in opened and "gate-pending" in opened
    first = client.post(url, {"number": release_pass.number, "gate": "东门"}).content.decode()
    assert "gate-valid" in first
    second = client.post(url, {"number": release_pass.number, "gate": "东门"}).content.decode()
    assert "gate-refused" in second and "已使用" in second


def test_detail_and_list_pages_cost_a_fixed_number_of_queries(
    client, household, desk_user, django_assert_max_num_queries
):
    """The list of 5 passes and one pass's page cost a fixed number of queries."""
    for _ in range(5):
        issue(household, desk_user)
    client.force_login(desk_user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("registers:passes")).status_code == 200
    pk = ReleasePass.objects.first().pk
    with django_assert_max_num_queries(12):
        page = client.get(reverse("registers:passes-detail", kwargs={"pk": pk}))
    assert page.status_code == 200


def test_another_projects_pass_page_is_404(client, household, desk_user, other_desk_user):
    """A clerk of another project gets a 404 for the pass page and its PDF."""
    release_pass = issue(household, desk_user)
    client.force_login(other_desk_user)
    assert (
        client.get(reverse("registers:passes-detail", kwargs={"pk": release_pass.pk})).status_code
        == 404
    )
    assert (
        client.get(reverse("registers:passes-print", kwargs={"pk": release_pass.pk})).status_code
        == 404
    )


# --- Demo ----------------------------------------------------------------------------------------


def test_demo_makes_a_used_a_good_and_a_voided_pass(household, project, desk_user):
    """The demo leaves, per project, one pass used at the gate, one good today, one voided, and
    two temporary passes (one with a fee for the bill)."""
    from types import SimpleNamespace

    from frontdesk.registers.demo.passes import load

    others = [HouseholdFactory(unit=UnitFactory(building=household.unit.building)) for _ in "ab"]
    for other in others:
        PersonFactory(household=other, project=project)
    guard = UserFactory(role=Role.SECURITY, projects=[project])
    load(
        SimpleNamespace(
            projects={"east": project},
            households={"east": [household, *others]},
            staff={"desk": desk_user, "security": guard},
        )
    )
    statuses = sorted(ReleasePass.objects.values_list("status", flat=True))
    assert statuses == ["issued", "used", "void"]
    assert TemporaryPass.objects.count() == 2
    assert DeskCharge.objects.filter(kind="temporary_pass").count() == 1


# --- Temporary passes and card work ---------------------------------------------------------------


def lend(project, by, **overrides) -> TemporaryPass:
    today = timezone.localdate()
    values = {
        "holder_kind": "decorator",
        "holder_name": "张师傅",
        "valid_from": today,
        "valid_until": today + dt.timedelta(days=6),
        "company": "美家装饰",
    }
    values.update(overrides)
    return temporary_pass_issue(project=project, by=by, data=TemporaryPassInput(**values))


@pytest.fixture
def card(household):
    return Card.objects.create(
        project=household.project,
        household=household,
        kind="access",
        number="A-0001",
        issued_on=dt.date(2026, 1, 15),
    )


def test_a_temporary_pass_with_a_fee_is_charged_to_the_household_once(
    project, household, desk_user
):
    """A temporary pass for a household's decorator with a fee records a desk charge, which
    the next bill run puts on exactly one bill."""
    lent = lend(project, desk_user, household=household, company="", fee="20", deposit="100")
    assert lent.number == f"LS-{YEAR}-0001" and lent.status == "out"
    charge = DeskCharge.objects.get()
    assert lent.desk_charge == charge and charge.amount == 20 and charge.household == household
    cashier = UserFactory(role=Role.CASHIER, projects=[project])
    month = timezone.localdate().replace(day=1)
    bill_run(project=project, month=month, by=cashier, draft=True)
    bill_run(project=project, month=month, by=cashier, draft=True)
    assert BillLine.objects.filter(desk_charge=charge).count() == 1


def test_a_temporary_pass_is_returned_once(project, desk_user, security):
    """Returning gives the deposit back; a second return is refused and changes nothing."""
    lent = lend(project, desk_user, deposit="50")
    returned = temporary_pass_return(temporary_pass=lent, by=security)
    assert returned.status == "returned" and returned.deposit_returned
    with pytest.raises(ApplicationError):
        temporary_pass_return(temporary_pass=lent, by=desk_user)
    with pytest.raises(ApplicationError):
        temporary_pass_lose(temporary_pass=lent, by=desk_user)
    lent.refresh_from_db()
    assert lent.status == "returned" and lent.closed_by == security


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"company": ""}, "company"),
        ({"fee": "10"}, "fee"),
        ({"fee": "-1"}, "fee"),
        ({"holder_kind": "alien"}, "holder_kind"),
        ({"valid_until": dt.date(2020, 1, 1)}, "valid_until"),
    ],
)
def test_bad_temporary_passes_are_refused(project, desk_user, overrides, field):
    """No household nor company, a fee with no household to bill, bad money or dates: refused,
    nothing written and no number used."""
    with pytest.raises(ApplicationError) as refused:
        lend(project, desk_user, **overrides)
    assert field in refused.value.fields
    assert TemporaryPass.objects.count() == 0 and DeskCharge.objects.count() == 0
    assert lend(project, desk_user).number == f"LS-{YEAR}-0001"


def test_temporary_passes_due_back_are_open_for_the_handover(project, desk_user):
    """A pass whose last day is today, or past, is listed for the next shift; a returned one
    and one still good are not."""
    today = timezone.localdate()
    due = lend(project, desk_user, valid_until=today)
    lend(project, desk_user)
    back = lend(project, desk_user, valid_until=today)
    temporary_pass_return(temporary_pass=back, by=desk_user)
    items = temporary_passes_due(project, timezone.now())
    assert [i.text.split(" ")[0] for i in items] == [due.number]
    with time_machine.travel(timezone.now() + dt.timedelta(days=2), tick=False):
        later = temporary_passes_due(project, timezone.now())
    assert len(later) == 1 and "逾期" in later[0].text


def test_card_replacement_issues_a_new_card_and_bills_the_fee(household, desk_user, card):
    """Replacing a card marks the old one lost, issues the new number and charges the fee."""
    work = card_work_record(card=card, kind="replace", by=desk_user, fee="30", new_number="A-0002")
    card.refresh_from_db()
    assert card.status == "lost"
    assert work.new_card.number == "A-0002" and work.new_card.status == "active"
    assert work.desk_charge.amount == 30 and work.desk_charge.kind == "card_replacement"
    assert household.cards.filter(status="active").count() == 1


def test_card_work_refuses_bad_steps(household, desk_user, card, butler):
    """A card returned twice, a replacement without a number, a butler: refused, nothing written."""
    card_work_record(card=card, kind="return", by=desk_user)
    with pytest.raises(ApplicationError):
        card_work_record(card=card, kind="return", by=desk_user)
    with pytest.raises(ApplicationError):
        card_work_record(card=card, kind="lose", by=desk_user)
    other = Card.objects.create(
        project=household.project,
        household=household,
        kind="ic",
        number="IC-9",
        issued_on=YEAR_START,
    )
    with pytest.raises(ApplicationError) as refused:
        card_work_record(card=other, kind="replace", by=desk_user)
    assert "new_number" in refused.value.fields
    with pytest.raises(ApplicationError):
        card_work_record(card=other, kind="lose", by=butler)
    assert CardWork.objects.count() == 1 and DeskCharge.objects.count() == 0
    other.refresh_from_db()
    assert other.status == "active"


def test_api_temporary_pass_and_card_work(api_client, household, desk_user, card, other_desk_user):
    """The API lends and takes back a temporary pass and records card work; another project's
    rows are 404 and its card is refused."""
    api_client.force_authenticate(desk_user)
    today = timezone.localdate().isoformat()
    response = api_client.post(
        "/api/v1/temporary-passes/",
        {
            "household": household.pk,
            "holder_kind": "worker",
            "holder_name": "刘工",
            "holder_phone": "13700001234",
            "valid_from": today,
            "valid_until": today,
            "fee": "5.00",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["desk_charge"] is not None
    back = api_client.post(f"/api/v1/temporary-passes/{pk}/return/", {}, format="json")
    assert back.status_code == 200 and back.json()["status"] == "returned"
    again = api_client.post(f"/api/v1/temporary-passes/{pk}/return/", {}, format="json")
    assert again.status_code == 400
    work = api_client.post(
        "/api/v1/card-work/", {"card": card.pk, "kind": "lose", "fee": "10"}, format="json"
    )
    assert work.status_code == 201 and work.json()["card_number"] == "A-0001"
    api_client.force_authenticate(other_desk_user)
    assert api_client.get(f"/api/v1/temporary-passes/{pk}/").status_code == 404
    assert api_client.get(f"/api/v1/card-work/{work.json()['id']}/").status_code == 404
    refused = api_client.post("/api/v1/card-work/", {"card": card.pk, "kind": "return"})
    assert refused.status_code == 400 and "card" in refused.json()


def test_api_temporary_pass_list_masks_phone_and_counts_queries(
    api_client, project, desk_user, security, django_assert_max_num_queries
):
    """A guard sees the holder's phone masked; the lists cost a fixed number of queries."""
    for _ in range(4):
        lend(project, desk_user, holder_phone="13700001234")
    api_client.force_authenticate(security)
    with django_assert_max_num_queries(6):
        rows = api_client.get("/api/v1/temporary-passes/").json()["results"]
    assert len(rows) == 4 and rows[0]["holder_phone"] == "137****1234"
    with django_assert_max_num_queries(6):
        assert api_client.get("/api/v1/card-work/").status_code == 200


def test_temporary_pass_and_card_work_pages(client, project, household, desk_user, card):
    """The desk lends a pass and records card work from the pages."""
    client.force_login(desk_user)
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("registers:temporary-passes"),
        {
            "project": project.pk,
            "holder_kind": "visitor",
            "holder_name": "访客甲",
            "company": "快递公司",
            "valid_from": today,
            "valid_until": today,
        },
    )
    lent = TemporaryPass.objects.get()
    assert response["Location"] == reverse("registers:temporary-pass", kwargs={"pk": lent.pk})
    page = client.get(response["Location"]).content.decode()
    assert lent.number in page
    client.post(response["Location"], {"action": "return"})
    lent.refresh_from_db()
    assert lent.status == "returned"
    url = reverse("registers:card-work")
    assert "A-0001" in client.get(url + f"?household={household.pk}").content.decode()
    client.post(url, {"household": household.pk, "card": card.pk, "kind": "lose"})
    card.refresh_from_db()
    assert card.status == "lost"
    assert "A-0001" in client.get(url).content.decode()


def test_the_handover_gathers_both_open_item_kinds(project, household, desk_user):
    """The shift handover's registry holds a section for passes expected today and one for
    temporary passes due back, each listing this register's rows."""
    from frontdesk.core.open_items import gather_open_items

    release_pass = issue(household, desk_user)
    lent = lend(project, desk_user, valid_until=timezone.localdate())
    sections = {s["key"]: s for s in gather_open_items(project=project)}
    assert release_pass.number in sections["registers.passes"]["items"][0]["text"]
    assert lent.number in sections["registers.temporary_passes"]["items"][0]["text"]


def test_the_household_file_shows_its_passes(client, project, household, desk_user):
    """The household file lists the household's item release passes and temporary passes."""
    release_pass = issue(household, desk_user, goods="书柜")
    lent = lend(project, desk_user, household=household, company="")
    client.force_login(desk_user)
    html = client.get(
        reverse("household-file", kwargs={"household_id": household.pk})
    ).content.decode()
    assert release_pass.number in html and "书柜" in html and lent.number in html


def test_the_registers_index_shows_what_is_open_in_each_at_a_fixed_cost(
    client, desk_user, household, django_assert_max_num_queries
):
    """The index is the board of the registers: a pass good today and not yet used is listed
    in the passes' card with its number, and three such passes cost what one costs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = issue(household, desk_user)
    client.force_login(desk_user)
    with CaptureQueriesContext(connection) as one:
        page = client.get(reverse("registers:index"))
    assert first.number in page.content.decode()
    assert page.context["open_now"]["passes"][0]["count"] == 1
    issue(household, desk_user, goods="书柜")
    issue(household, desk_user, goods="冰箱")
    with django_assert_max_num_queries(len(one)):
        page = client.get(reverse("registers:index"))
    assert page.context["open_now"]["passes"][0]["count"] == 3
