"""Visitors (访客登记) and messages and items left for residents (留言、代客转交物品): their
lives, bad input, the phone confirmation a project may require, masking, scoping, and
query counts of the pages and the API."""

import base64
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from frontdesk.core.errors import ApplicationError
from frontdesk.core.open_items import gather_open_items
from frontdesk.core.roles import Role
from frontdesk.registers.models import Visitor, VisitorMessage, VisitorSettings
from frontdesk.registers.services import visitors as services
from frontdesk.registers.signatures import decode_signature
from tests.factories import BuildingFactory, HouseholdFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

PHONE = "13987654321"


def png_data_url():
    buffer = io.BytesIO()
    Image.new("RGBA", (60, 20), (0, 0, 0, 255)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def register(project, by, household, **kwargs):
    data = {"name": "张三", "purpose": "探亲", "phone": PHONE, **kwargs}
    return services.visitor_register(
        project=project, by=by, data=services.VisitorInput(household=household, **data)
    )


def leave_message(project, by, household, kind="message"):
    return services.message_receive(
        project=project,
        by=by,
        data=services.MessageInput(
            household=household, kind=kind, left_by="李四", content="请回电", left_by_phone=PHONE
        ),
    )


@pytest.fixture
def guard(project):
    return UserFactory(role=Role.SECURITY, projects=[project], username="guard1")


@pytest.fixture
def other_household(other_project):
    building = BuildingFactory(project=other_project, number="3")
    unit = UnitFactory(building=building, project=other_project, number="1502", floor=15)
    return HouseholdFactory(unit=unit, project=other_project)


# --- Visitors --------------------------------------------------------------------------


def test_a_visitor_registered_at_the_desk_is_in_then_leaves(project, desk_user, household):
    """A visitor registered on arrival is in the estate; the departure step records the time."""
    visitor = register(project, desk_user, household, people=2, plate="粤b 12345")
    assert visitor.status == "arrived" and visitor.arrived_at and visitor.plate == "粤B12345"
    services.visitor_leave(visitor=visitor, by=desk_user)
    visitor.refresh_from_db()
    assert visitor.status == "left" and visitor.left_at and visitor.left_recorded_by == desk_user
    with pytest.raises(ApplicationError):
        services.visitor_leave(visitor=visitor, by=desk_user)


def test_an_announced_visitor_is_expected_arrives_and_leaves(project, desk_user, guard, household):
    """Pre-registered by the desk, the visitor is expected; security marks the arrival."""
    visitor = register(
        project, desk_user, household, expected_on=timezone.localdate(), expected_at=dt.time(15)
    )
    assert visitor.status == "expected" and visitor.arrived_at is None
    services.visitor_arrive(visitor=visitor, by=guard)
    services.visitor_leave(visitor=visitor, by=guard)
    visitor.refresh_from_db()
    assert visitor.status == "left"


def test_an_expected_visitor_not_come_by_the_end_of_the_day_lapses(project, desk_user, household):
    """Yesterday's expected visitor reads as lapsed and cannot be marked arrived."""
    visitor = register(project, desk_user, household, expected_on=timezone.localdate())
    Visitor.objects.filter(pk=visitor.pk).update(
        expected_on=timezone.localdate() - dt.timedelta(days=1)
    )
    with pytest.raises(ApplicationError, match="lapsed|失效|过期"):
        services.visitor_arrive(visitor=visitor, by=desk_user)


def test_confirmation_by_phone_required_but_missing_is_refused(project, desk_user, household):
    """Where the project requires it, a visitor is let in only with who answered recorded."""
    VisitorSettings.objects.create(project=project, confirm_by_phone=True)
    with pytest.raises(ApplicationError) as refused:
        register(project, desk_user, household)
    assert "confirmed_by_phone" in refused.value.fields
    with pytest.raises(ApplicationError) as refused:
        register(project, desk_user, household, confirmed_by_phone=True)
    assert "confirmed_with" in refused.value.fields
    assert Visitor.objects.count() == 0
    visitor = register(
        project, desk_user, household, confirmed_by_phone=True, confirmed_with="业主王先生"
    )
    assert visitor.confirmed_at is not None and visitor.confirmed_with == "业主王先生"


def test_an_expected_visitor_is_confirmed_on_arrival_where_required(project, desk_user, household):
    """Pre-registering needs no confirmation; the arrival then asks for it."""
    VisitorSettings.objects.create(project=project, confirm_by_phone=True)
    visitor = register(project, desk_user, household, expected_on=timezone.localdate())
    with pytest.raises(ApplicationError):
        services.visitor_arrive(visitor=visitor, by=desk_user)
    services.visitor_arrive(
        visitor=visitor, by=desk_user, confirmed_by_phone=True, confirmed_with="王太太"
    )
    visitor.refresh_from_db()
    assert visitor.status == "arrived" and visitor.confirmed_with == "王太太"


def test_bad_visitor_input_is_refused_with_field_messages(
    project, desk_user, household, other_household
):
    """Another project's household, no name, no people, a past expected day: each refused."""
    with pytest.raises(ApplicationError) as refused:
        register(project, desk_user, other_household)
    assert "household" in refused.value.fields
    with pytest.raises(ApplicationError) as refused:
        register(
            project,
            desk_user,
            household,
            name=" ",
            people=0,
            expected_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert {"name", "people", "expected_on"} <= set(refused.value.fields)
    assert Visitor.objects.count() == 0


def test_an_engineer_may_not_register_or_read_visitors(
    client, api_client, project, engineer, household
):
    """Visitors are the desk's, the gate's and the butlers': an engineer is refused."""
    with pytest.raises(ApplicationError):
        register(project, engineer, household)
    client.force_login(engineer)
    assert client.get(reverse("registers:visitors-today")).status_code == 403
    api_client.force_authenticate(engineer)
    assert api_client.get("/api/v1/visitors/").status_code == 403


# --- Masking -----------------------------------------------------------------------------


def test_security_sees_visitor_phones_masked_everywhere(
    client, api_client, project, desk_user, guard, household
):
    """The gate sees 139****4321 on the pages and in the API, and cannot search the middle."""
    visitor = register(project, desk_user, household, id_number="110101199001011234")
    client.force_login(guard)
    for url in (
        reverse("registers:visitors-today"),
        reverse("registers:visitors"),
        reverse("registers:visitor", args=[visitor.pk]),
    ):
        page = client.get(url).content.decode()
        assert PHONE not in page and "139****4321" in page, url
    assert (
        "110101199001011234"
        not in client.get(reverse("registers:visitor", args=[visitor.pk])).content.decode()
    )
    api_client.force_authenticate(guard)
    [row] = api_client.get("/api/v1/visitors/").json()["results"]
    assert row["phone"] == "139****4321" and row["id_number"] == "110101********1234"
    assert api_client.get("/api/v1/visitors/", {"q": "98765"}).json()["results"] == []
    assert len(api_client.get("/api/v1/visitors/", {"q": "4321"}).json()["results"]) == 1


def test_the_desk_sees_the_phone_and_finds_it_by_any_digits(
    desk_api, project, desk_user, household
):
    """The desk sees phones in full and finds a visitor by the middle digits."""
    register(project, desk_user, household)
    [row] = desk_api.get("/api/v1/visitors/", {"q": "98765"}).json()["results"]
    assert row["phone"] == PHONE


# --- Messages and items --------------------------------------------------------------------


def test_a_message_is_told_and_collected_once_with_a_signature(project, desk_user, household):
    """Received, told (how, whom), collected with a signature; collecting twice is refused."""
    message = leave_message(project, desk_user, household, kind="item")
    services.message_tell(message=message, by=desk_user, how="phone", whom="王建国")
    services.message_collect(
        message=message,
        by=desk_user,
        collector_name="王建国",
        signature=decode_signature(png_data_url()),
    )
    message.refresh_from_db()
    assert message.status == "collected" and message.signature and message.told_whom == "王建国"
    with pytest.raises(ApplicationError):
        services.message_collect(
            message=message, by=desk_user, collector_name="别人", signed_on_paper=True
        )
    message.refresh_from_db()
    assert message.collector_name == "王建国"


def test_a_message_needs_a_signature_and_its_household_in_the_project(
    project, desk_user, household, other_household
):
    """No signature, or a household of another project: refused, nothing written."""
    with pytest.raises(ApplicationError) as refused:
        leave_message(project, desk_user, other_household)
    assert "household" in refused.value.fields
    message = leave_message(project, desk_user, household)
    with pytest.raises(ApplicationError) as refused:
        services.message_collect(message=message, by=desk_user, collector_name="王建国")
    assert "signature" in refused.value.fields
    message.refresh_from_db()
    assert message.status == "waiting"


def test_open_visits_and_messages_reach_the_handover(project, desk_user, household):
    """A visitor still in and a message not collected are open items of the handover."""
    register(project, desk_user, household)
    leave_message(project, desk_user, household)
    sections = {s["key"]: s for s in gather_open_items(project=project)}
    assert len(sections["registers.visitors_in"]["items"]) == 1
    assert len(sections["registers.messages_open"]["items"]) == 1


# --- Pages ---------------------------------------------------------------------------------


def test_the_today_page_registers_and_has_quick_buttons(client, project, desk_user, household):
    """Registering on the page puts the visitor in; the quick "left" button moves them out."""
    client.force_login(desk_user)
    url = reverse("registers:visitors-today")
    response = client.post(
        url,
        {
            "project": project.pk,
            "household": household.pk,
            "name": "赵六",
            "people": 1,
            "purpose": "送东西",
            "post": "desk",
        },
    )
    assert response.status_code == 302
    visitor = Visitor.objects.get()
    page = client.get(url).content.decode()
    assert "赵六" in page and reverse("registers:visitor-leave", args=[visitor.pk]) in page
    client.post(reverse("registers:visitor-leave", args=[visitor.pk]), {"next": url})
    visitor.refresh_from_db()
    assert visitor.status == "left"


def test_another_projects_visitor_and_message_are_404(
    client, project, desk_user, household, other_desk_user
):
    """A clerk of another project finds neither the visit nor the message, nor via the API."""
    visitor = register(project, desk_user, household)
    message = leave_message(project, desk_user, household)
    client.force_login(other_desk_user)
    assert client.get(reverse("registers:visitor", args=[visitor.pk])).status_code == 404
    assert client.get(reverse("registers:visitor-message", args=[message.pk])).status_code == 404
    assert client.post(reverse("registers:visitor-leave", args=[visitor.pk])).status_code == 404
    assert client.get("/api/v1/visitors/").json()["results"] == []
    assert client.get("/api/v1/messages/").json()["results"] == []


def test_pages_cost_a_fixed_number_of_queries(
    client, project, desk_user, household, django_assert_max_num_queries
):
    """More visitors and messages do not add queries to the today, list and detail pages."""
    client.force_login(desk_user)
    visitor = register(project, desk_user, household)
    message = leave_message(project, desk_user, household)
    urls = [
        reverse("registers:visitors-today"),
        reverse("registers:visitors"),
        reverse("registers:visitor-messages"),
    ]
    counts = {}
    for url in urls:
        client.get(url)
        with django_assert_max_num_queries(20) as few:
            client.get(url)
        counts[url] = len(few.captured_queries)
    for i in range(6):
        register(project, desk_user, household, name=f"访客{i}")
        register(project, desk_user, household, name=f"预约{i}", expected_on=timezone.localdate())
        leave_message(project, desk_user, household)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            client.get(url)
    with django_assert_max_num_queries(12):
        client.get(reverse("registers:visitor", args=[visitor.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("registers:visitor-message", args=[message.pk]))


# --- API -----------------------------------------------------------------------------------


def test_api_visitor_life_and_confirmation(desk_api, project, household):
    """Register expected, arrive with the confirmation the project requires, leave."""
    VisitorSettings.objects.create(project=project, confirm_by_phone=True)
    created = desk_api.post(
        "/api/v1/visitors/",
        {
            "household": household.pk,
            "name": "张三",
            "purpose": "探亲",
            "expected_on": timezone.localdate().isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    refused = desk_api.post(f"/api/v1/visitors/{pk}/arrive/", {}, format="json")
    assert refused.status_code == 400 and "confirmed_by_phone" in refused.json()
    arrived = desk_api.post(
        f"/api/v1/visitors/{pk}/arrive/",
        {"confirmed_by_phone": True, "confirmed_with": "王先生"},
        format="json",
    )
    assert arrived.json()["status"] == "arrived"
    assert desk_api.post(f"/api/v1/visitors/{pk}/leave/").json()["status"] == "left"


def test_api_message_collect_twice_is_a_400(desk_api, project, household):
    """The second collection of a message is refused with a message."""
    created = desk_api.post(
        "/api/v1/messages/",
        {"household": household.pk, "kind": "item", "left_by": "快递员", "content": "钥匙一把"},
        format="json",
    )
    pk = created.json()["id"]
    told = desk_api.post(f"/api/v1/messages/{pk}/tell/", {"how": "phone", "whom": "王建国"})
    assert told.json()["status"] == "told"
    body = {"collector_name": "王建国", "signature": png_data_url()}
    assert desk_api.post(f"/api/v1/messages/{pk}/collect/", body, format="json").status_code == 200
    again = desk_api.post(f"/api/v1/messages/{pk}/collect/", body, format="json")
    assert again.status_code == 400
    assert VisitorMessage.objects.get(pk=pk).status == "collected"


def test_the_page_and_the_api_filter_visitors_alike(
    client, desk_api, project, desk_user, household
):
    """One FilterSet: the same query string gives the same visitors on the page and in the API."""
    register(project, desk_user, household, name="甲")
    left = register(project, desk_user, household, name="乙")
    services.visitor_leave(visitor=left, by=desk_user)
    query = {"status": "left", "date": timezone.localdate().isoformat()}
    api = [r["name"] for r in desk_api.get("/api/v1/visitors/", query).json()["results"]]
    client.force_login(desk_user)
    page = client.get(reverse("registers:visitors"), query)
    assert api == [row["v"].name for row in page.context["rows"]] == ["乙"]


def test_api_lists_cost_a_fixed_number_of_queries(
    desk_api, project, desk_user, household, django_assert_max_num_queries
):
    """More visitors and messages do not add queries to the API lists."""
    register(project, desk_user, household)
    leave_message(project, desk_user, household)
    counts = {}
    for url in ("/api/v1/visitors/", "/api/v1/messages/"):
        desk_api.get(url)
        with django_assert_max_num_queries(10) as few:
            desk_api.get(url)
        counts[url] = len(few.captured_queries)
    for _ in range(5):
        register(project, desk_user, household)
        leave_message(project, desk_user, household)
    for url, count in counts.items():
        with django_assert_max_num_queries(count):
            desk_api.get(url)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_collections_of_one_item_at_once_only_one_wins(project, desk_user, household):
    """Two clerks handing over the same item at once: one is recorded, the other refused."""
    import threading

    from django.db import connection

    message = leave_message(project, desk_user, household, kind="item")
    barrier = threading.Barrier(2)
    results: list[str] = []

    def work(name):
        try:
            barrier.wait(timeout=10)
            services.message_collect(
                message=message, by=desk_user, collector_name=name, signed_on_paper=True
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


def test_the_supervisor_keeps_the_visitor_and_mail_settings_in_the_admin(client, project):
    """The supervisor sets whether visitors are confirmed by phone and when the mail's daily
    list goes out, and reads the registers' lists; a desk clerk opens none of them."""
    from django.urls import reverse

    from frontdesk.core.roles import Role
    from frontdesk.registers.models import ParcelSettings, VisitorSettings
    from tests.factories import UserFactory

    boss = UserFactory(username="boss-v", role=Role.SUPERVISOR, projects=[project], is_staff=True)
    client.force_login(boss)
    added = client.post(
        reverse("admin:registers_visitorsettings_add"),
        {"project": project.pk, "confirm_by_phone": "on"},
    )
    assert (
        added.status_code == 302 and VisitorSettings.objects.get(project=project).confirm_by_phone
    )
    assert client.get(reverse("admin:registers_parcelsettings_add")).status_code == 200
    for name in ("visitor", "parcel", "releasepass", "incomingdocument", "inspectionrun"):
        assert client.get(reverse(f"admin:registers_{name}_changelist")).status_code == 200
    assert not ParcelSettings.objects.exists()
    clerk = UserFactory(username="clerk-v", role=Role.DESK, projects=[project], is_staff=True)
    client.force_login(clerk)
    assert client.get(reverse("admin:registers_visitorsettings_add")).status_code == 403
