"""Valuables in custody: received with a numbered receipt and photos, handed back against it."""

import base64
import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image
from pypdf import PdfReader

from frontdesk.core.errors import ApplicationError
from frontdesk.core.open_items import gather_open_items
from frontdesk.core.roles import Role
from frontdesk.registers.choices.custody import CustodyStatus
from frontdesk.registers.models import CustodyPhoto, Deposit
from frontdesk.registers.services.custody import (
    deposit_name_delegate,
    deposit_receive,
    deposit_return,
)
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _messages_in_english():
    """Services' messages are read in English here (a page request may leave Chinese active)."""
    with translation.override("en"):
        yield


def photo(name="ring.jpg", kind="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 180, 40)).save(buffer, format=kind)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def signature_url():
    buffer = io.BytesIO()
    Image.new("RGBA", (60, 20), (0, 0, 0, 255)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def receive(project, by, **kwargs):
    kwargs.setdefault("owner_name", "王建国")
    kwargs.setdefault("owner_phone", "13812345678")
    kwargs.setdefault("description", "金戒指一枚;劳力士手表一块")
    kwargs.setdefault("photos", [photo()])
    return deposit_receive(project=project, by=by, **kwargs)


def hand_back(deposit, by, **kwargs):
    kwargs.setdefault("receipt_number", deposit.number)
    kwargs.setdefault("collector_name", "王建国")
    kwargs.setdefault("id_type", "resident_id")
    kwargs.setdefault("id_last4", "002X")
    kwargs.setdefault("signed_on_paper", True)
    return deposit_return(deposit=deposit, by=by, **kwargs)


def test_valuables_are_received_with_a_numbered_receipt(project, household, desk_user):
    """A deposit gets JC-<year>-0001, then 0002; its photos are kept beside it."""
    first = receive(project, desk_user, household=household, declared_value="5000")
    second = receive(project, desk_user)
    year = timezone.localdate().year
    assert (first.number, second.number) == (f"JC-{year}-0001", f"JC-{year}-0002")
    assert first.photos.count() == 1 and first.status == CustodyStatus.HELD


def test_returned_to_the_owner_against_the_receipt(project, desk_user):
    """The owner shows the receipt and an ID, signs on the pad: the valuables are handed back."""
    from frontdesk.registers.signatures import decode_signature

    deposit = receive(project, desk_user)
    returned = hand_back(
        deposit, desk_user, signed_on_paper=False, signature=decode_signature(signature_url())
    )
    assert returned.status == CustodyStatus.RETURNED and returned.collector == "owner"
    assert returned.collector_id_last4 == "002X" and returned.signature.name.endswith(".png")


def test_a_return_without_or_with_a_wrong_receipt_number_is_refused(project, desk_user):
    """No receipt number, or another deposit's: refused with a message, nothing written."""
    deposit = receive(project, desk_user)
    other = receive(project, desk_user)
    for number, message in (("", "receipt number the owner keeps"), (other.number, "not that")):
        with pytest.raises(ApplicationError) as refused:
            hand_back(deposit, desk_user, receipt_number=number)
        assert message in refused.value.fields["receipt_number"][0]
    deposit.refresh_from_db()
    assert deposit.status == CustodyStatus.HELD and deposit.returned_at is None


def test_only_the_owner_or_a_named_delegate_collects(project, desk_user):
    """A stranger is refused; a delegate named later by the owner (a recorded step) collects."""
    deposit = receive(project, desk_user)
    with pytest.raises(ApplicationError) as refused:
        hand_back(deposit, desk_user, collector_name="张三")
    assert "collector_name" in refused.value.fields
    deposit_name_delegate(deposit=deposit, by=desk_user, name="张三", note="业主来电委托")
    assert hand_back(deposit, desk_user, collector_name="张三").collector == "delegate"


def test_returning_twice_is_refused(project, desk_user):
    """A second hand-back says when and to whom the valuables already went."""
    deposit = receive(project, desk_user)
    hand_back(deposit, desk_user)
    with pytest.raises(ApplicationError, match="already handed back"):
        hand_back(deposit, desk_user)


def test_a_return_needs_a_signature_and_the_id(project, desk_user):
    """No signature and no paper tick, no ID type, a bad last four: each field says so."""
    deposit = receive(project, desk_user)
    with pytest.raises(ApplicationError) as refused:
        hand_back(deposit, desk_user, signed_on_paper=False, id_type="", id_last4="12")
    assert {"signature", "id_type", "id_last4"} <= set(refused.value.fields)


def test_bad_deposits_are_refused_and_use_no_number(project, desk_user):
    """No photo, a file that is not an image, no owner: refused; the next number is still 0001."""
    with pytest.raises(ApplicationError) as refused:
        receive(project, desk_user, photos=[], owner_name="")
    assert {"photos", "owner_name"} <= set(refused.value.fields)
    fake = SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")
    with pytest.raises(ApplicationError, match="JPEG"):
        receive(project, desk_user, photos=[fake])
    assert receive(project, desk_user).number.endswith("-0001")


def test_an_engineer_may_not_receive_valuables(project, engineer):
    """Only the desk, the supervisor and the manager receive valuables."""
    with pytest.raises(ApplicationError, match="role"):
        receive(project, engineer)


def test_valuables_held_long_are_open_items(project, desk_user, time_machine):
    """Valuables held more than 30 days are listed for follow-up in the handover."""
    time_machine.move_to(timezone.now() - timezone.timedelta(days=40))
    old = receive(project, desk_user)
    time_machine.move_to(timezone.now() + timezone.timedelta(days=40))
    receive(project, desk_user)
    sections = {s["key"]: s for s in gather_open_items(project=project)}
    items = sections["registers.custody_held"]["items"]
    assert [i["text"].split()[0] for i in items] == [old.number]


def test_pages_receive_and_hand_back(project, desk_user, client):
    """The page receives with photos and hands back against the receipt; a wrong number is a
    400 with the message and the deposit stays held."""
    client.force_login(desk_user)
    response = client.post(
        reverse("registers:custody"),
        {
            "deposit-project": project.pk,
            "deposit-owner_name": "王建国",
            "deposit-owner_phone": "13812345678",
            "deposit-description": "金项链",
            "deposit-photos": [photo("a.jpg"), photo("b.png", "PNG")],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    deposit = Deposit.objects.get()
    assert deposit.photos.count() == 2
    data = {
        "action": "return",
        "return-collector_name": "王建国",
        "return-id_type": "resident_id",
        "return-id_last4": "1234",
        "return-signed_on_paper": "on",
        "return-receipt_number": "JC-1999-0001",
    }
    url = reverse("registers:custody-detail", args=[deposit.pk])
    assert client.post(url, data).status_code == 400
    assert Deposit.objects.get().status == "held"
    data["return-receipt_number"] = deposit.number
    assert client.post(url, data).status_code == 302
    assert Deposit.objects.get().status == "returned"


def test_photos_and_signatures_are_served_to_the_project_only(
    project, desk_user, other_desk_user, client
):
    """A photo opens for staff of its project only: another project's staff get a 404."""
    deposit = receive(project, desk_user)
    photo_row = CustodyPhoto.objects.get()
    client.force_login(desk_user)
    response = client.get(reverse("registers:custody-photo", args=[photo_row.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(reverse("registers:custody-signature", args=[deposit.pk])).status_code == 404
    client.force_login(other_desk_user)
    assert client.get(reverse("registers:custody-photo", args=[photo_row.pk])).status_code == 404
    assert client.get(reverse("registers:custody-detail", args=[deposit.pk])).status_code == 404


def test_the_api_receives_hands_back_and_scopes(project, desk_user, other_desk_user, api_client):
    """Multipart deposit with photos, a return with a signature data URL; another project's
    deposit is a 404; a return without the receipt number is a 400 naming the field."""
    api_client.force_authenticate(desk_user)
    response = api_client.post(
        "/api/v1/custody/",
        {
            "owner_name": "王建国",
            "owner_phone": "13812345678",
            "description": "现金 2000 元",
            "photos": [photo()],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("JC-") and len(body["photos"]) == 1
    url = f"/api/v1/custody/{body['id']}/return/"
    payload = {
        "collector_name": "王建国",
        "id_type": "resident_id",
        "id_last4": "5678",
        "signature": signature_url(),
    }
    refused = api_client.post(url, payload, format="json")
    assert refused.status_code == 400 and "receipt_number" in refused.json()
    done = api_client.post(url, {**payload, "receipt_number": body["number"]}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "returned"
    assert done.json()["signature_url"]
    again = api_client.post(url, {**payload, "receipt_number": body["number"]}, format="json")
    assert again.status_code == 400
    api_client.force_authenticate(other_desk_user)
    assert api_client.get(f"/api/v1/custody/{body['id']}/").status_code == 404


def test_the_receipt_prints_with_the_number_items_and_masked_phone(project, desk_user, api_client):
    """The PDF has the receipt number, the items and the owner; a guard sees the phone masked.
    GET previews (not counted), POST counts a printing."""
    deposit = receive(project, desk_user, description="翡翠手镯一只")
    guard = UserFactory(role=Role.SECURITY, projects=[project], username="guard9")
    api_client.force_authenticate(desk_user)
    preview = api_client.get(f"/api/v1/custody/{deposit.pk}/print/")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    deposit.refresh_from_db()
    assert deposit.print_count == 0
    printed = api_client.post(f"/api/v1/custody/{deposit.pk}/print/")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(printed.content)).pages)
    assert deposit.number in text and "翡翠手镯" in text and "王建国" in text
    assert "13812345678" in text
    deposit.refresh_from_db()
    assert deposit.print_count == 1
    api_client.force_authenticate(guard)
    guarded = api_client.get(f"/api/v1/custody/{deposit.pk}/print/")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(guarded.content)).pages)
    assert "138****5678" in text and "13812345678" not in text


def test_query_counts_stay_flat(
    project, desk_user, client, desk_api, django_assert_max_num_queries
):
    """The custody list (every deposit without a filter) and detail pages and the API cost a
    fixed number of queries."""
    for _ in range(3):
        deposit = receive(project, desk_user, photos=[photo(), photo()])
        deposit_name_delegate(deposit=deposit, by=desk_user, name="张三", note="电话委托")
    client.force_login(desk_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("registers:custody"))
    assert len(response.context["rows"]) == 3
    with django_assert_max_num_queries(12):
        assert client.get(reverse("registers:custody-detail", args=[deposit.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert desk_api.get("/api/v1/custody/").status_code == 200
    with django_assert_max_num_queries(10):
        assert desk_api.get(f"/api/v1/custody/{deposit.pk}/").status_code == 200


class RolledBack(Exception):
    """Raised inside a deposit's transaction to undo it on purpose."""


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_receipt_numbers_stay_gap_free_under_concurrent_deposits(project, desk_user):
    """6 threads × 8 deposits at once, some rolled back and some refused: the numbers are 1..n."""
    threads_n, per_thread = 6, 8
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def work(number):
        try:
            barrier.wait(timeout=30)
            for i in range(per_thread):
                try:
                    with transaction.atomic():
                        receive(
                            project,
                            desk_user,
                            owner_name="" if i % 5 == 4 else f"业主{number}-{i}",
                        )
                        if i % 3 == 1:
                            raise RolledBack
                except (RolledBack, ApplicationError):
                    pass
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    numbers = sorted(
        int(n.rsplit("-", 1)[1]) for n in Deposit.objects.values_list("number", flat=True)
    )
    assert numbers and numbers == list(range(1, len(numbers) + 1))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_clerks_handing_back_at_once_one_wins(project, desk_user, supervisor):
    """Two hand-backs of one deposit at the same moment: one succeeds, the other is refused."""
    deposit = receive(project, desk_user)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def work(user):
        try:
            barrier.wait(timeout=10)
            hand_back(deposit, user)
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


@pytest.mark.browser
def test_in_chromium_the_owner_signs_on_the_pad_and_collects(project, desk_user, page):
    """On a phone-sized screen the clerk types the receipt number, the owner signs with a finger
    on the pad, and the valuables are handed back with the drawing kept."""
    from tests.factories import PASSWORD

    deposit = receive(project, desk_user)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/login/")
    page.fill("#id_username", desk_user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(reverse("registers:custody-detail", args=[deposit.pk]))
    page.fill("#id_return-receipt_number", deposit.number)
    page.fill("#id_return-collector_name", "王建国")
    page.fill("#id_return-id_last4", "002X")
    box = page.locator(".signature-pad canvas").bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + 30)
    page.mouse.down()
    for step in range(1, 8):
        page.mouse.move(box["x"] + 20 + step * 30, box["y"] + 30 + (step % 2) * 40)
    page.mouse.up()
    page.locator("input[name=action][value=return] ~ button[type=submit]").click()
    page.wait_for_url(f"**{reverse('registers:custody-detail', args=[deposit.pk])}")
    deposit.refresh_from_db()
    assert deposit.status == "returned" and deposit.signature.name.endswith(".png")
    assert page.locator("img.signature-image").count() == 1


def test_a_photo_is_kept_under_a_name_of_what_it_is(project, desk_user):
    """A JPEG uploaded as "note.html" is kept as a .jpg with a random name, served as an image."""
    deposit = receive(project, desk_user, photos=[photo("note.html")])
    name = deposit.photos.get().file.name
    assert name.endswith(".jpg") and "note" not in name


def test_the_page_and_the_api_filter_alike(project, desk_user, client, desk_api):
    """?status=held gives the same deposits on the page and in the API."""
    held = receive(project, desk_user)
    hand_back(receive(project, desk_user), desk_user)
    api_ids = [r["id"] for r in desk_api.get("/api/v1/custody/?status=held").json()["results"]]
    client.force_login(desk_user)
    page = client.get(reverse("registers:custody") + "?status=held")
    assert api_ids == [held.pk] and [d.pk for d in page.context["rows"]] == [held.pk]
