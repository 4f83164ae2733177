"""Lost and found: registered, held for the project's period, returned or disposed of."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image
from rest_framework.test import APIClient

from frontdesk.core.errors import ApplicationError
from frontdesk.core.open_items import gather_open_items
from frontdesk.core.roles import Role
from frontdesk.registers.choices.lost_found import FoundStatus
from frontdesk.registers.models import FoundItem, LostFoundSettings
from frontdesk.registers.services.lost_found import found_dispose, found_register, found_return
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Services' messages are read in English here (a page request may leave Chinese active)."""
    with translation.override("en"):
        yield


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 80, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile("wallet.png", buffer.getvalue(), content_type="image/png")


def register(project, by, **kwargs):
    kwargs.setdefault("what", "黑色钱包")
    kwargs.setdefault("where_found", "3栋大堂沙发")
    kwargs.setdefault("kept_at", "前台保险柜")
    kwargs.setdefault("found_by_name", "3-1502 住户王先生")
    return found_register(project=project, by=by, **kwargs)


def test_a_found_item_is_held_for_the_projects_period(project, desk_user):
    """Held 90 days by default, or the project's own period from the day it was found."""
    item = register(project, desk_user)
    assert item.hold_until == timezone.localdate() + dt.timedelta(days=90)
    LostFoundSettings.objects.create(project=project, holding_days=30)
    assert register(project, desk_user).hold_until == timezone.localdate() + dt.timedelta(days=30)


def test_returned_to_the_owner_with_proof_and_signature(project, desk_user):
    """The owner says how it is theirs and signs on paper; returning again is refused."""
    item = register(project, desk_user, photo=photo())
    item = found_return(
        item=item,
        by=desk_user,
        owner_name="李四",
        owner_phone="13700001234",
        proof="说出钱包内身份证姓名",
        signed_on_paper=True,
    )
    assert item.status == FoundStatus.RETURNED and item.returned_by == desk_user
    with pytest.raises(ApplicationError, match="already returned"):
        found_return(
            item=item,
            by=desk_user,
            owner_name="李四",
            owner_phone="13700001234",
            proof="x",
            signed_on_paper=True,
        )


def test_a_return_without_signature_or_proof_is_refused(project, desk_user):
    """No signature and no paper tick, no proof: each field says so, nothing written."""
    item = register(project, desk_user)
    with pytest.raises(ApplicationError) as refused:
        found_return(item=item, by=desk_user, owner_name="李四", owner_phone="137", proof="")
    assert {"signature", "proof", "owner_phone"} <= set(refused.value.fields)
    item.refresh_from_db()
    assert item.status == FoundStatus.WAITING


def test_disposal_by_a_desk_clerk_is_refused(project, desk_user, time_machine):
    """Only the supervisor or the manager disposes of an item, even past its period."""
    time_machine.move_to(timezone.now() - dt.timedelta(days=100))
    item = register(project, desk_user)
    time_machine.move_to(timezone.now() + dt.timedelta(days=100))
    with pytest.raises(ApplicationError, match="role"):
        found_dispose(item=item, by=desk_user, disposal="police", reason="无人认领")


def test_disposal_after_the_period_records_who_approved(
    project, desk_user, supervisor, time_machine
):
    """Past its period the supervisor hands it to the police; the reason and approver are kept."""
    time_machine.move_to(timezone.now() - dt.timedelta(days=100))
    item = register(project, desk_user)
    time_machine.move_to(timezone.now() + dt.timedelta(days=100))
    item = found_dispose(item=item, by=supervisor, disposal="police", reason="无人认领,交派出所")
    assert item.status == FoundStatus.DISPOSED and item.approved_by == supervisor


def test_early_disposal_only_for_perishables(project, desk_user, supervisor):
    """Before the period ends disposal is refused, unless the item is perishable."""
    item = register(project, desk_user)
    with pytest.raises(ApplicationError, match="perishable"):
        found_dispose(item=item, by=supervisor, disposal="destroyed", reason="占地方")
    fruit = register(project, desk_user, what="一袋水果", perishable=True)
    done = found_dispose(item=fruit, by=supervisor, disposal="destroyed", reason="已变质")
    assert done.status == FoundStatus.DISPOSED
    with pytest.raises(ApplicationError, match="already disposed"):
        found_dispose(item=fruit, by=supervisor, disposal="destroyed", reason="again")


def test_bad_registrations_are_refused(project, desk_user, engineer):
    """Nothing said of what or where, a file that is not a photo, an engineer: refused."""
    with pytest.raises(ApplicationError) as refused:
        register(project, desk_user, what="", kept_at="", found_by_name="")
    assert {"what", "kept_at", "found_by_name"} <= set(refused.value.fields)
    fake = SimpleUploadedFile("a.png", b"<svg/>", content_type="image/png")
    with pytest.raises(ApplicationError, match="JPEG"):
        register(project, desk_user, photo=fake)
    with pytest.raises(ApplicationError, match="role"):
        register(project, engineer)
    assert not FoundItem.objects.exists()


def test_items_past_their_period_are_open_items(project, desk_user, time_machine):
    """An item still waiting after its holding period is listed in the handover."""
    time_machine.move_to(timezone.now() - dt.timedelta(days=95))
    register(project, desk_user, what="旧雨伞")
    time_machine.move_to(timezone.now() + dt.timedelta(days=95))
    register(project, desk_user, what="新钥匙扣")
    sections = {s["key"]: s for s in gather_open_items(project=project)}
    texts = [i["text"] for i in sections["registers.lost_found_past_holding"]["items"]]
    assert len(texts) == 1 and "旧雨伞" in texts[0]


def test_the_pages_register_return_and_refuse_a_clerks_disposal(project, desk_user, client):
    """The page registers an item with a photo, refuses a clerk's disposal, returns it."""
    client.force_login(desk_user)
    response = client.post(
        reverse("registers:lost-found"),
        {
            "project": project.pk,
            "what": "手机",
            "where_found": "地库B2",
            "kept_at": "前台抽屉",
            "found_by_name": "保洁员张阿姨",
            "photo": photo(),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    item = FoundItem.objects.get()
    url = reverse("registers:found-item", args=[item.pk])
    assert client.get(reverse("registers:found-photo", args=[item.pk])).status_code == 200
    refused = client.post(
        url, {"action": "dispose", "dispose-disposal": "donated", "dispose-reason": "x"}
    )
    assert refused.status_code == 400
    assert FoundItem.objects.get().status == "waiting"
    returned = client.post(
        url,
        {
            "action": "return",
            "return-owner_name": "赵六",
            "return-owner_phone": "13600001111",
            "return-proof": "能解锁手机",
            "return-signed_on_paper": "on",
        },
    )
    assert returned.status_code == 302 and FoundItem.objects.get().status == "returned"


def test_the_api_registers_returns_disposes_and_scopes(
    project, desk_user, supervisor, other_desk_user, time_machine
):
    """JSON registration, a clerk's disposal refused (400), the supervisor's accepted after the
    period; another project's item is a 404; the owner's phone masked for a guard."""
    desk = APIClient()
    desk.force_authenticate(desk_user)
    time_machine.move_to(timezone.now() - dt.timedelta(days=100))
    created = desk.post(
        "/api/v1/lost-found/",
        {"what": "眼镜", "where_found": "会所", "kept_at": "前台", "found_by": desk_user.pk},
        format="json",
    )
    assert created.status_code == 201, created.json()
    item_id = created.json()["id"]
    time_machine.move_to(timezone.now() + dt.timedelta(days=100))
    listed = desk.get("/api/v1/lost-found/", {"past_holding": "true"}).json()["results"]
    assert [r["id"] for r in listed] == [item_id]
    refused = desk.post(
        f"/api/v1/lost-found/{item_id}/dispose/", {"disposal": "donated", "reason": "x"}
    )
    assert refused.status_code == 400
    boss = APIClient()
    boss.force_authenticate(supervisor)
    done = boss.post(
        f"/api/v1/lost-found/{item_id}/dispose/",
        {"disposal": "donated", "reason": "无人认领,捐赠"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["approved_by"]["id"] == supervisor.pk
    other = APIClient()
    other.force_authenticate(other_desk_user)
    assert other.get(f"/api/v1/lost-found/{item_id}/").status_code == 404


def test_the_owners_phone_is_masked_for_a_guard(project, desk_user):
    """A security guard sees a returned item's owner phone masked on the page and in the API."""
    item = register(project, desk_user)
    found_return(
        item=item,
        by=desk_user,
        owner_name="李四",
        owner_phone="13700001234",
        proof="描述内容",
        signed_on_paper=True,
    )
    guard = UserFactory(role=Role.SECURITY, projects=[project], username="guard3")
    api = APIClient()
    api.force_authenticate(guard)
    assert api.get(f"/api/v1/lost-found/{item.pk}/").json()["owner_phone"] == "137****1234"
    client = Client()
    client.force_login(guard)
    page = client.get(reverse("registers:found-item", args=[item.pk])).content.decode()
    assert "137****1234" in page and "13700001234" not in page


def test_query_counts_stay_flat(
    project, desk_user, client, desk_api, django_assert_max_num_queries
):
    """The list (every row without a filter) and detail pages and the API list cost a fixed
    number of queries."""
    for n in range(4):
        register(project, desk_user, what=f"物品{n}")
    item = FoundItem.objects.first()
    client.force_login(desk_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registers:lost-found"))
    assert len(response.context["rows"]) == 4
    with django_assert_max_num_queries(8):
        assert client.get(reverse("registers:found-item", args=[item.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert desk_api.get("/api/v1/lost-found/").status_code == 200


def test_the_page_and_the_api_filter_alike(project, desk_user, client, desk_api):
    """?status=waiting&q=钱包 gives the same items on the page and in the API."""
    wallet = register(project, desk_user)
    register(project, desk_user, what="雨伞")
    query = "?status=waiting&q=钱包"
    api_ids = [r["id"] for r in desk_api.get("/api/v1/lost-found/" + query).json()["results"]]
    client.force_login(desk_user)
    page = client.get(reverse("registers:lost-found") + query)
    assert api_ids == [wallet.pk] and [i.pk for i in page.context["rows"]] == [wallet.pk]
