"""Mail, newspapers and parcels: receiving (one, a batch, the page), telling, pickup with a
signature, returning, the daily list to the area staff, scoping and query counts."""

import base64
import datetime as dt
import io
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Notification
from frontdesk.core.open_items import gather_open_items
from frontdesk.core.roles import Role
from frontdesk.registers import tasks
from frontdesk.registers.models import Parcel, ParcelDailyList, ParcelSettings
from frontdesk.registers.services import parcels as services
from tests.factories import (
    BuildingFactory,
    HouseholdFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def png_data_url():
    buffer = io.BytesIO()
    Image.new("RGBA", (60, 20), (0, 0, 0, 255)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def receive(project, by, household, number="SF1001", kind="parcel", **kwargs):
    return services.parcel_receive(
        project=project,
        by=by,
        data=services.ParcelInput(
            household=household, kind=kind, carrier="sf", tracking_number=number
        ),
        **kwargs,
    )


@pytest.fixture
def other_household(other_project):
    building = BuildingFactory(project=other_project, number="3")
    unit = UnitFactory(building=building, project=other_project, number="1502", floor=15)
    return HouseholdFactory(unit=unit, project=other_project)


@pytest.fixture
def second_butler(project):
    return UserFactory(role=Role.BUTLER, projects=[project], username="butler2")


@pytest.fixture
def household_b(project, second_butler):
    building = BuildingFactory(project=project, number="5", butler=second_butler)
    unit = UnitFactory(building=building, project=project, number="0801", floor=8)
    household = HouseholdFactory(unit=unit, project=project)
    PersonFactory(household=household, project=project, name="李梅", phone="13900001111")
    return household


# --- Receiving -------------------------------------------------------------------------


def test_a_parcel_is_received_for_a_household_and_waits(project, desk_user, household):
    """A received parcel waits for pickup, under the household's building, number normalised."""
    parcel = receive(project, desk_user, household, number=" sf 1001 ")
    assert parcel.status == "waiting" and parcel.tracking_number == "SF1001"
    assert parcel.building_id == household.unit.building_id


def test_a_parcel_for_a_household_of_another_project_is_refused(
    project, desk_user, other_household
):
    """A household of another project is refused on the household field; nothing is saved."""
    with pytest.raises(ApplicationError) as refused:
        receive(project, desk_user, other_household)
    assert "household" in refused.value.fields
    assert Parcel.objects.count() == 0


def test_a_duplicate_tracking_number_still_waiting_is_refused(project, desk_user, household):
    """The same number twice while the first waits is refused; once collected it may return."""
    first = receive(project, desk_user, household)
    with pytest.raises(ApplicationError) as refused:
        receive(project, desk_user, household)
    assert "tracking_number" in refused.value.fields
    services.parcel_pickup(
        parcel=first, by=desk_user, collector_name="王建国", signed_on_paper=True
    )
    assert receive(project, desk_user, household).status == "waiting"


def test_a_batch_is_received_whole_or_not_at_all(project, desk_user, household, other_household):
    """One bad row in a batch refuses the batch, naming the row; nothing is saved."""
    items = [
        services.ParcelInput(
            household=household, kind="parcel", carrier="sf", tracking_number="A1"
        ),
        services.ParcelInput(
            household=other_household, kind="parcel", carrier="sf", tracking_number="A2"
        ),
    ]
    with pytest.raises(ApplicationError) as refused:
        services.parcels_receive(project=project, by=desk_user, items=items)
    assert "1.household" in refused.value.fields
    assert Parcel.objects.count() == 0


def test_a_parcel_needs_a_tracking_number_but_a_newspaper_does_not(project, desk_user, household):
    """A parcel without a number is refused; a newspaper is received without one."""
    with pytest.raises(ApplicationError):
        receive(project, desk_user, household, number="")
    assert receive(project, desk_user, household, number="", kind="newspaper").pk


def test_a_security_guard_may_not_receive_mail(project, household):
    """Receiving is the desk's: another role is refused."""
    guard = UserFactory(role=Role.SECURITY, projects=[project])
    with pytest.raises(ApplicationError):
        receive(project, guard, household)


# --- Steps -----------------------------------------------------------------------------


def test_pickup_with_a_signature_and_a_second_pickup_refused(project, desk_user, household):
    """Picked up with a name and a drawn signature; picking up again is refused."""
    from frontdesk.registers.signatures import decode_signature

    parcel = receive(project, desk_user, household)
    services.parcel_pickup(
        parcel=parcel,
        by=desk_user,
        collector_name="王建国",
        signature=decode_signature(png_data_url()),
    )
    parcel.refresh_from_db()
    assert parcel.status == "collected" and parcel.signature and not parcel.signed_on_paper
    with pytest.raises(ApplicationError, match="Picked up|已领取|cannot"):
        services.parcel_pickup(
            parcel=parcel, by=desk_user, collector_name="李四", signed_on_paper=True
        )
    parcel.refresh_from_db()
    assert parcel.collector_name == "王建国"


def test_pickup_without_a_signature_is_refused(project, desk_user, household):
    """No drawing and no "signed on paper": refused on the signature field."""
    parcel = receive(project, desk_user, household)
    with pytest.raises(ApplicationError) as refused:
        services.parcel_pickup(parcel=parcel, by=desk_user, collector_name="王建国")
    assert "signature" in refused.value.fields
    parcel.refresh_from_db()
    assert parcel.status == "waiting"


def test_registered_mail_needs_the_collectors_id_checked(project, desk_user, household):
    """Registered mail without an ID check is refused; with it, only the last digits are kept."""
    parcel = receive(project, desk_user, household, number="XA123", kind="registered")
    with pytest.raises(ApplicationError) as refused:
        services.parcel_pickup(
            parcel=parcel, by=desk_user, collector_name="王建国", signed_on_paper=True
        )
    assert {"id_type", "id_last_digits"} <= set(refused.value.fields)
    services.parcel_pickup(
        parcel=parcel,
        by=desk_user,
        collector_name="王建国",
        signed_on_paper=True,
        id_type="resident_id",
        id_last_digits="123x",
    )
    parcel.refresh_from_db()
    assert parcel.collector_id_type == "resident_id" and parcel.collector_id_last == "123X"


def test_the_area_staff_collect_on_the_residents_behalf(project, butler, desk_user, household):
    """The building's butler records the pickup for the resident."""
    parcel = receive(project, desk_user, household)
    services.parcel_pickup(
        parcel=parcel,
        by=butler,
        collector_name="管家",
        collector_kind="area_staff",
        signed_on_paper=True,
    )
    parcel.refresh_from_db()
    assert parcel.collector_kind == "area_staff" and parcel.handed_over_by == butler


def test_telling_and_returning_to_the_sender(project, desk_user, household):
    """The household told is recorded once; a return needs its reason and is kept, not deleted."""
    parcel = receive(project, desk_user, household)
    services.parcel_tell(parcel=parcel, by=desk_user, channel="phone")
    with pytest.raises(ApplicationError):
        services.parcel_tell(parcel=parcel, by=desk_user, channel="phone")
    with pytest.raises(ApplicationError) as refused:
        services.parcel_return(parcel=parcel, by=desk_user, reason=" ")
    assert "reason" in refused.value.fields
    services.parcel_return(parcel=parcel, by=desk_user, reason="超过保管期,退回")
    parcel.refresh_from_db()
    assert parcel.status == "returned" and parcel.told_channel == "phone"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_pickups_at_once_only_one_wins(project, desk_user, household):
    """Two clerks picking up the same parcel at once: one is recorded, the other refused."""
    parcel = receive(project, desk_user, household)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def work(name):
        try:
            barrier.wait(timeout=10)
            services.parcel_pickup(
                parcel=parcel, by=desk_user, collector_name=name, signed_on_paper=True
            )
            results.append("ok")
        except ApplicationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == ["ok", "refused"]


# --- Overdue and the handover ------------------------------------------------------------


def test_uncollected_mail_is_flagged_after_the_projects_days(project, desk_user, household):
    """Waiting longer than the project's days appears in the handover; fresh mail does not."""
    ParcelSettings.objects.create(project=project, overdue_days=2)
    now = timezone.now()
    receive(project, desk_user, household, number="OLD1", now=now - dt.timedelta(days=3))
    receive(project, desk_user, household, number="NEW1", now=now)
    sections = {s["key"]: s for s in gather_open_items(project=project, now=now)}
    texts = [i["text"] for i in sections["registers.parcels_overdue"]["items"]]
    assert len(texts) == 1 and "OLD1" in texts[0]


def test_the_home_page_shows_overdue_mail(client, project, desk_user, household):
    """The desk's home shows the number of overdue items with a link to them."""
    receive(project, desk_user, household, now=timezone.now() - dt.timedelta(days=5))
    client.force_login(desk_user)
    page = client.get(reverse("home")).content.decode()
    assert "parcels-overdue" in page and "overdue=true" in page


# --- The daily list ----------------------------------------------------------------------


def test_the_daily_list_tells_each_butler_their_buildings_once_a_day(
    project, desk_user, butler, second_butler, household, household_b
):
    """Each butler gets one notification listing only their buildings' mail, even if the task
    runs twice; before the project's time nothing is sent."""
    ParcelSettings.objects.create(project=project, daily_list_at=dt.time(10, 0))
    receive(project, desk_user, household, number="B3-1")
    receive(project, desk_user, household_b, number="B5-1")
    receive(project, desk_user, household_b, number="B5-2")
    today = timezone.localdate()
    early = timezone.make_aware(dt.datetime.combine(today, dt.time(9, 0)))
    late = timezone.make_aware(dt.datetime.combine(today, dt.time(10, 5)))
    assert services.parcels_send_daily_lists(now=early) == []
    assert services.parcels_send_daily_lists(now=late) == [f"{project.pk}:{today.isoformat()}"]
    assert services.parcels_send_daily_lists(now=late + dt.timedelta(minutes=15)) == []
    first = Notification.objects.get(user=butler)
    second = Notification.objects.get(user=second_butler)
    assert "B3-1" in first.body and "B5-1" not in first.body
    assert "B5-1" in second.body and "B5-2" in second.body and "B3-1" not in second.body
    assert ParcelDailyList.objects.get(project=project).counts == {
        str(butler.pk): 1,
        str(second_butler.pk): 2,
    }


def test_the_beat_task_runs_the_daily_list(project, desk_user, butler, household):
    """The task is a thin adapter: called twice, the butler is told once."""
    ParcelSettings.objects.create(project=project, daily_list_at=dt.time(0, 0))
    receive(project, desk_user, household)
    tasks.send_parcel_daily_lists()
    tasks.send_parcel_daily_lists()
    assert Notification.objects.filter(user=butler).count() == 1


def test_the_beat_schedule_has_the_daily_list():
    """The daily list is in the beat schedule, under its task's name."""
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["parcels-daily-list"]
    assert entry["task"] == tasks.send_parcel_daily_lists.name


def test_the_daily_list_page_and_pdf(client, project, desk_user, butler, household, household_b):
    """The butler's page lists only their buildings; the PDF is a PDF."""
    receive(project, desk_user, household, number="B3-1")
    receive(project, desk_user, household_b, number="B5-1")
    client.force_login(butler)
    page = client.get(reverse("registers:parcels-daily")).content.decode()
    assert "B3-1" in page and "B5-1" not in page
    client.force_login(desk_user)
    pdf = client.get(reverse("registers:parcels-daily-print"), {"project": project.pk})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


# --- Pages ---------------------------------------------------------------------------------


def test_the_batch_page_adds_a_row_by_unit_code_without_leaving_the_page(
    client, project, desk_user, household
):
    """Typing 3-1502 and a number adds the row below (htmx partial) and keeps the carrier."""
    client.force_login(desk_user)
    response = client.post(
        reverse("registers:parcels-receive"),
        {
            "project": project.pk,
            "tracking_number": "YT555",
            "unit": "3-1502",
            "carrier": "yto",
            "kind": "parcel",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="receive-area"' in html and "YT555" in html
    assert '<option value="yto" selected>' in html
    assert Parcel.objects.get().household == household


def test_the_batch_page_refuses_a_unit_of_another_project(
    client, project, other_project, desk_user, household
):
    """A unit typed that is only in another project is an error on the unit field."""
    desk_user.memberships.create(project=other_project)
    building = BuildingFactory(project=other_project, number="8")
    unit = UnitFactory(building=building, project=other_project, number="0808", floor=8)
    HouseholdFactory(unit=unit, project=other_project)
    client.force_login(desk_user)
    response = client.post(
        reverse("registers:parcels-receive"),
        {
            "project": project.pk,
            "tracking_number": "YT556",
            "unit": "8-0808",
            "carrier": "yto",
            "kind": "parcel",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "8-0808" in html and "has-error" in html and Parcel.objects.count() == 0


def test_pickup_on_the_page_with_the_pad(client, project, desk_user, household):
    """The pickup form takes the pad's drawing; the signature is served only to the project."""
    parcel = receive(project, desk_user, household)
    client.force_login(desk_user)
    response = client.post(
        reverse("registers:parcel", args=[parcel.pk]),
        {
            "action": "pickup",
            "pickup-collector_name": "王建国",
            "pickup-collector_kind": "resident",
            "pickup-signature": png_data_url(),
        },
    )
    assert response.status_code == 302
    image = client.get(reverse("registers:parcel-signature", args=[parcel.pk]))
    assert image.status_code == 200 and b"".join(image.streaming_content).startswith(b"\x89PNG")


def test_another_projects_parcel_is_a_404(client, project, desk_user, household, other_desk_user):
    """Another project's clerk finds neither the parcel, its signature, nor it in the API."""
    parcel = receive(project, desk_user, household)
    client.force_login(other_desk_user)
    assert client.get(reverse("registers:parcel", args=[parcel.pk])).status_code == 404
    assert client.get(reverse("registers:parcel-signature", args=[parcel.pk])).status_code == 404
    assert client.get("/api/v1/parcels/").json()["results"] == []


def test_list_and_detail_pages_cost_a_fixed_number_of_queries(
    client, project, desk_user, household, household_b, django_assert_max_num_queries
):
    """More parcels do not add queries to the list; the detail page is a few queries."""
    client.force_login(desk_user)
    parcel = receive(project, desk_user, household)
    client.get(reverse("registers:parcels"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("registers:parcels"))
    for i in range(8):
        receive(project, desk_user, household_b if i % 2 else household, number=f"N{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("registers:parcels"))
    with django_assert_max_num_queries(12):
        client.get(reverse("registers:parcel", args=[parcel.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("registers:parcels-daily"))


# --- API ---------------------------------------------------------------------------------


def test_api_batch_create_filters_and_pickup(desk_api, project, household, household_b):
    """POST a list receives a batch; filters narrow by building and status; pickup works once."""
    response = desk_api.post(
        "/api/v1/parcels/",
        [
            {"household": household.pk, "kind": "parcel", "carrier": "sf", "tracking_number": "X1"},
            {"household": household_b.pk, "kind": "letter", "carrier": "post"},
        ],
        format="json",
    )
    assert response.status_code == 201, response.content
    first, second = response.json()
    listed = desk_api.get("/api/v1/parcels/", {"building": household.unit.building_id}).json()
    assert [r["id"] for r in listed["results"]] == [first["id"]]
    picked = desk_api.post(
        f"/api/v1/parcels/{first['id']}/pickup/",
        {"collector_name": "王建国", "signature": png_data_url()},
        format="json",
    )
    assert picked.status_code == 200 and picked.json()["status"] == "collected"
    again = desk_api.post(
        f"/api/v1/parcels/{first['id']}/pickup/",
        {"collector_name": "王建国", "signed_on_paper": True},
        format="json",
    )
    assert again.status_code == 400
    waiting = desk_api.get("/api/v1/parcels/", {"uncollected": "true"}).json()["results"]
    assert [r["id"] for r in waiting] == [second["id"]]


def test_api_refuses_a_household_of_another_project(desk_api, other_household):
    """A household the clerk cannot see is a 400 on the household field."""
    response = desk_api.post(
        "/api/v1/parcels/",
        {
            "household": other_household.pk,
            "kind": "parcel",
            "carrier": "sf",
            "tracking_number": "Z1",
        },
        format="json",
    )
    assert response.status_code == 400 and "household" in response.json()


def test_the_page_and_the_api_filter_the_same_rows(
    client, desk_api, project, desk_user, household, household_b
):
    """One FilterSet: the same query string gives the same rows on the page and in the API."""
    receive(project, desk_user, household, number="P1")
    receive(project, desk_user, household_b, number="P2")
    query = {"building": household_b.unit.building_id, "status": "waiting"}
    api = [r["tracking_number"] for r in desk_api.get("/api/v1/parcels/", query).json()["results"]]
    client.force_login(desk_user)
    page = client.get(reverse("registers:parcels"), query)
    assert api == [p.tracking_number for p, _overdue in page.context["rows"]] == ["P2"]


def test_the_api_list_costs_a_fixed_number_of_queries(
    desk_api, project, desk_user, household, django_assert_max_num_queries
):
    """More parcels do not add queries to the API list."""
    receive(project, desk_user, household, number="Q0")
    desk_api.get("/api/v1/parcels/")
    with django_assert_max_num_queries(8) as few:
        desk_api.get("/api/v1/parcels/")
    for i in range(1, 8):
        receive(project, desk_user, household, number=f"Q{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        desk_api.get("/api/v1/parcels/")


def test_api_batch_with_a_bad_item_names_it_and_saves_nothing(desk_api, household):
    """A batch whose second item lacks its kind is a 400 naming "1.kind"; nothing is received."""
    response = desk_api.post(
        "/api/v1/parcels/",
        [
            {"household": household.pk, "kind": "parcel", "carrier": "sf", "tracking_number": "K1"},
            {"household": household.pk, "carrier": "sf", "tracking_number": "K2"},
        ],
        format="json",
    )
    assert response.status_code == 400 and "1.kind" in response.json()
    assert Parcel.objects.count() == 0


def test_api_batch_of_nonsense_is_a_400(desk_api):
    """A list of nulls is refused item by item with a 400, never a 500."""
    response = desk_api.post("/api/v1/parcels/", [None, None], format="json")
    assert response.status_code == 400 and "0.non_field_errors" in response.json()
