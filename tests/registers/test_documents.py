"""Incoming documents (外来文件登记表 R01—WKF08): register, instruct, sign for, print."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdesk.core.errors import ApplicationError
from frontdesk.core.models import Notification
from frontdesk.registers.models import IncomingDocument
from frontdesk.registers.services import documents as services

pytestmark = pytest.mark.django_db


def _data(**overrides):
    values = {"sender": "区住建局", "title": "关于开展消防安全检查的通知", "pages": 3}
    values.update(overrides)
    return services.DocumentInput(**values)


def _register(project, by, **overrides):
    return services.document_register(project=project, by=by, data=_data(**overrides))


def test_register_numbers_per_project_and_year_and_tells_the_manager(project, desk_user, manager):
    """Documents get WJ-<year>-0001, -0002 in order, and the manager is told of each."""
    first = _register(project, desk_user)
    second = _register(project, desk_user, title="停水通知")
    year = timezone.localdate().year
    assert (first.serial, second.serial) == (f"WJ-{year}-0001", f"WJ-{year}-0002")
    assert first.status == "registered"
    assert Notification.objects.filter(user=manager, url__endswith=f"/{first.pk}/").exists()


def test_bad_registration_writes_nothing_and_keeps_the_number(project, desk_user):
    """A registration without sender or with zero pages is refused, and no number is used."""
    with pytest.raises(ApplicationError) as error:
        _register(project, desk_user, sender=" ", pages=0)
    assert set(error.value.fields) == {"sender", "pages"}
    assert not IncomingDocument.objects.exists()
    assert _register(project, desk_user).serial.endswith("-0001")


def test_only_the_manager_instructs(project, desk_user, supervisor, manager):
    """The desk and the supervisor may not write the instruction; the manager may."""
    document = _register(project, desk_user)
    for user in (desk_user, supervisor):
        with pytest.raises(ApplicationError):
            services.document_instruct(
                document=document, by=user, instruction="阅", departments=["cleaning"]
            )
    document.refresh_from_db()
    assert document.status == "registered" and not document.receipts.exists()
    services.document_instruct(
        document=document,
        by=manager,
        instruction="请工程部、保安部落实",
        departments=["engineering", "security"],
    )
    document.refresh_from_db()
    assert document.status == "distributed"
    assert sorted(document.receipts.values_list("department", flat=True)) == [
        "engineering",
        "security",
    ]


def test_distribution_tells_the_departments(project, desk_user, manager, engineer):
    """Each department named is told there is a document to sign for."""
    document = _register(project, desk_user)
    services.document_instruct(
        document=document, by=manager, instruction="工程部处理", departments=["engineering"]
    )
    assert Notification.objects.filter(user=engineer, title__contains=document.serial).exists()


def test_instruction_without_departments_closes_the_document(project, desk_user, manager):
    """ "File it" with no department named leaves nothing open."""
    document = _register(project, desk_user)
    document = services.document_instruct(
        document=document, by=manager, instruction="存档", departments=[]
    )
    assert document.status == "done"


def test_receipts_close_the_document(project, desk_user, manager, engineer, cleaner):
    """The engineer signs in their name, the desk for cleaning with the paper signer; then done."""
    document = _register(project, desk_user)
    services.document_instruct(
        document=document, by=manager, instruction="阅办", departments=["engineering", "cleaning"]
    )
    receipt = services.document_acknowledge(
        document=document, by=engineer, department="engineering"
    )
    assert receipt.acknowledged_by == engineer and receipt.signer
    document.refresh_from_db()
    assert document.status == "distributed"
    with pytest.raises(ApplicationError) as error:
        services.document_acknowledge(document=document, by=desk_user, department="cleaning")
    assert "signer" in error.value.fields
    services.document_acknowledge(
        document=document, by=desk_user, department="cleaning", signer="李保洁"
    )
    document.refresh_from_db()
    assert document.status == "done"
    assert document.receipts.get(department="cleaning").signer == "李保洁"


def test_acknowledge_refusals(project, desk_user, manager, engineer, cleaner):
    """A department not named, a second signature, another department's copy: each refused."""
    document = _register(project, desk_user)
    services.document_instruct(
        document=document, by=manager, instruction="阅办", departments=["engineering", "security"]
    )
    with pytest.raises(ApplicationError) as error:
        services.document_acknowledge(document=document, by=engineer, department="greening")
    assert "department" in error.value.fields
    with pytest.raises(ApplicationError):
        services.document_acknowledge(document=document, by=cleaner, department="security")
    services.document_acknowledge(document=document, by=engineer, department="engineering")
    with pytest.raises(ApplicationError) as error:
        services.document_acknowledge(document=document, by=engineer, department="engineering")
    assert "department" in error.value.fields


def test_void_and_correct_only_before_the_instruction(project, desk_user, manager):
    """A registration is corrected (new number, old voided) or voided only until instructed."""
    document = _register(project, desk_user, title="错字标题")
    new = services.document_correct(
        document=document, by=desk_user, reason="标题写错", data=_data(title="正确标题")
    )
    document.refresh_from_db()
    assert document.status == "voided" and document.void_reason == "标题写错"
    assert new.corrects == document and new.serial != document.serial
    services.document_instruct(document=new, by=manager, instruction="阅", departments=["cleaning"])
    with pytest.raises(ApplicationError):
        services.document_void(document=new, by=desk_user, reason="不要了")


# --- API ----------------------------------------------------------------------------------


def test_api_register_instruct_acknowledge(api_client, project, desk_user, manager, engineer):
    """The whole life through the API; a desk clerk's instruction is a 400."""
    api_client.force_authenticate(desk_user)
    response = api_client.post(
        "/api/v1/documents/",
        {"sender": "街道办", "title": "文明创建检查通知", "pages": 2},
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    refused = api_client.post(
        f"/api/v1/documents/{pk}/instruct/",
        {"instruction": "阅", "departments": ["engineering"]},
        format="json",
    )
    assert refused.status_code in (400, 403)
    api_client.force_authenticate(manager)
    response = api_client.post(
        f"/api/v1/documents/{pk}/instruct/",
        {"instruction": "工程部落实", "departments": ["engineering"]},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "distributed"
    api_client.force_authenticate(engineer)
    bad = api_client.post(
        f"/api/v1/documents/{pk}/acknowledge/", {"department": "cleaning"}, format="json"
    )
    assert bad.status_code == 400 and "department" in bad.json()
    response = api_client.post(
        f"/api/v1/documents/{pk}/acknowledge/", {"department": "engineering"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "done"


def test_api_filters_and_project_scoping(
    api_client, project, other_project, desk_user, other_desk_user, manager
):
    """`open=true` and `department=` filter; another project's document is a 404."""
    open_doc = _register(project, desk_user)
    done = _register(project, desk_user, title="已办结")
    services.document_instruct(document=done, by=manager, instruction="存档", departments=[])
    cleaning = _register(project, desk_user, title="保洁")
    services.document_instruct(
        document=cleaning, by=manager, instruction="保洁部", departments=["cleaning"]
    )
    theirs = _register(other_project, other_desk_user)
    api_client.force_authenticate(desk_user)
    ids = {r["id"] for r in api_client.get("/api/v1/documents/?open=true").json()["results"]}
    assert ids == {open_doc.pk, cleaning.pk}
    ids = {
        r["id"] for r in api_client.get("/api/v1/documents/?department=cleaning").json()["results"]
    }
    assert ids == {cleaning.pk}
    assert api_client.get(f"/api/v1/documents/{theirs.pk}/").status_code == 404


def test_page_and_api_filter_alike(client, api_client, project, desk_user, manager):
    """`?open=true` lists the same documents on the page and in the API."""
    open_doc = _register(project, desk_user, title="待批示文件")
    done = _register(project, desk_user, title="已存档文件")
    services.document_instruct(document=done, by=manager, instruction="存档", departments=[])
    client.force_login(desk_user)
    page = client.get(reverse("registers:documents") + "?open=true").content.decode()
    assert open_doc.title in page and done.title not in page
    api_client.force_authenticate(desk_user)
    rows = api_client.get("/api/v1/documents/?open=true").json()["results"]
    assert [r["title"] for r in rows] == [open_doc.title]


def test_list_and_detail_query_counts(
    client, api_client, project, desk_user, manager, django_assert_max_num_queries
):
    """The list page, the detail page and the API list cost a fixed number of queries."""
    for n in range(6):
        document = _register(project, desk_user, title=f"文件{n}")
        services.document_instruct(
            document=document, by=manager, instruction="阅", departments=["cleaning", "security"]
        )
    client.force_login(desk_user)
    api_client.force_authenticate(desk_user)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("registers:documents")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("registers:document", args=[document.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert api_client.get("/api/v1/documents/").status_code == 200


def test_page_register_and_sign_on_behalf(client, project, desk_user, manager):
    """The desk registers on the page, the manager instructs, the desk records a receipt."""
    client.force_login(desk_user)
    response = client.post(
        reverse("registers:documents"),
        {
            "project": project.pk,
            "sender": "供电局",
            "title": "计划停电通知",
            "pages": 1,
            "copies": 1,
            "urgency": "urgent",
        },
    )
    document = IncomingDocument.objects.get()
    assert response.status_code == 302
    client.force_login(manager)
    page = client.get(reverse("registers:document", args=[document.pk])).content.decode()
    assert 'value="instruct"' in page
    client.post(
        reverse("registers:document", args=[document.pk]),
        {
            "action": "instruct",
            "instruct-instruction": "工程部准备应急",
            "instruct-departments": ["engineering"],
        },
    )
    client.force_login(desk_user)
    client.post(
        reverse("registers:document", args=[document.pk]),
        {"action": "acknowledge", "ack-department": "engineering", "ack-signer": "张工"},
    )
    document.refresh_from_db()
    assert document.status == "done"


def test_open_documents_join_the_handover(project, desk_user):
    """A document awaiting the manager is an open item of the handover."""
    from frontdesk.core.open_items import gather_open_items

    document = _register(project, desk_user)
    sections = {s["key"]: s for s in gather_open_items(project=project)}
    assert document.serial in sections["registers.documents"]["items"][0]["text"]


def test_printed_register_has_the_rows(client, project, desk_user, manager, engineer):
    """The R01—WKF08 PDF of the period lists each document, its instruction and receipts."""
    from pypdf import PdfReader

    first = _register(project, desk_user, sender="区住建局", title="消防检查通知")
    services.document_instruct(
        document=first, by=manager, instruction="工程部落实", departments=["engineering"]
    )
    services.document_acknowledge(document=first, by=engineer, department="engineering")
    _register(project, desk_user, sender="街道办", title="垃圾分类宣传")
    today = timezone.localdate()
    client.force_login(desk_user)
    response = client.get(
        reverse("registers:documents-print"),
        {
            "project": project.pk,
            "start": (today - dt.timedelta(days=1)).isoformat(),
            "end": today.isoformat(),
        },
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("R01", "区住建局", "消防检查通知", "工程部落实", "街道办", "垃圾分类宣传"):
        assert expected in text


def test_pages_of_another_project_are_not_found(
    client, project, other_project, other_desk_user, desk_user
):
    """A document of another project is a 404 on its page and for its scan; not in the list."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = services.document_register(
        project=project,
        by=desk_user,
        data=_data(scan=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan", "application/pdf")),
    )
    client.force_login(desk_user)
    assert client.get(reverse("registers:document-scan", args=[document.pk])).status_code == 200
    client.force_login(other_desk_user)
    assert client.get(reverse("registers:document", args=[document.pk])).status_code == 404
    assert client.get(reverse("registers:document-scan", args=[document.pk])).status_code == 404
    assert document.serial not in client.get(reverse("registers:documents")).content.decode()


def test_department_signs_on_the_page(client, project, desk_user, manager, engineer):
    """The engineer opens the document and signs for engineering in their own name."""
    document = _register(project, desk_user)
    services.document_instruct(
        document=document, by=manager, instruction="工程部阅", departments=["engineering"]
    )
    client.force_login(engineer)
    url = reverse("registers:document", args=[document.pk])
    assert 'value="acknowledge"' in client.get(url).content.decode()
    assert (
        client.post(url, {"action": "acknowledge", "ack-department": "engineering"}).status_code
        == 302
    )
    receipt = document.receipts.get()
    assert receipt.acknowledged_by == engineer
    assert (
        client.get(reverse("registers:documents") + "?open=true")
        .content.decode()
        .count(document.serial)
        == 0
    )
