"""Printed work orders: three labelled copies, reprints, the complaint form, the day's run."""

import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from tickets import services
from tickets.models import Ticket, TicketEvent
from tickets.printing import COPY_LABELS, FORM_TITLES

from .factories import register

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def squeeze(text: str) -> str:
    """The text without spaces: a letter-spaced title comes out of the PDF as "维 修 工 单"."""
    return "".join(text.split())


def labels() -> list[str]:
    with translation.override("zh-hans"):
        return [str(label) for label, _holder in COPY_LABELS]


def test_three_copies_show_the_serial_three_times_with_their_labels(
    client, desk_user, household, engineer
):
    """The print action returns a PDF: copies 1, 2 and 3 labelled, each with the serial and
    matter, and counts one printing."""
    ticket = register(
        household=household, by=desk_user, matter="厨房水龙头漏水", paid=True, fee_quote="80"
    )
    services.ticket_quote_acknowledge(ticket=ticket, by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user, assignee=engineer)
    client.force_login(desk_user)
    response = client.post(reverse("tickets:print", kwargs={"pk": ticket.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'inline; filename="{ticket.serial}.pdf"'
    text = pdf_text(response)
    assert text.count(ticket.serial) == 3
    for label in labels():
        assert text.count(label) == 1
    assert text.count("厨房水龙头漏水") == 3
    assert text.count(household.unit.code) == 3
    assert text.count("王建国") == 3  # the household's main contact
    assert "80.00" in text
    # The order's title in Chinese, per kind.
    with translation.override("zh-hans"):
        assert str(FORM_TITLES["repair"]) in squeeze(text)
    ticket.refresh_from_db()
    assert ticket.print_count == 1
    assert TicketEvent.objects.filter(ticket=ticket, action="print").count() == 1


def test_a_reprint_is_counted_and_marked_on_every_copy(client, desk_user, household):
    """The second printing says so on each copy; the first does not."""
    ticket = register(household=household, by=desk_user)
    client.force_login(desk_user)
    url = reverse("tickets:print", kwargs={"pk": ticket.pk})
    first = pdf_text(client.post(url))
    second = pdf_text(client.post(url + "?download=1"))
    with translation.override("zh-hans"):
        from django.utils.translation import ngettext

        mark = ngettext("Reprint · printing %(n)s", "Reprint · printing %(n)s", 2) % {"n": 2}
        base = ngettext("Reprint · printing %(n)s", "Reprint · printing %(n)s", 1).split("%")[0]
    assert base.strip() not in first
    assert second.count(mark) == 3
    assert Ticket.objects.get(pk=ticket.pk).print_count == 2


def test_a_complaint_prints_on_its_own_form(client, desk_user, household, butler):
    """A complaint prints on its form: time, matter, receiver, handling, result."""
    ticket = register(
        household=household,
        by=desk_user,
        kind="complaint",
        matter="楼上装修噪音",
        complaint={
            "category": "decoration",
            "reason": "service_quality",
            "temper": "angry",
            "resident_wants": "限制施工时间",
        },
    )
    services.complaint_investigate(ticket=ticket, findings="属实", by=desk_user)
    services.ticket_dispatch(ticket=ticket, by=desk_user)
    services.complaint_butler_reply(ticket=ticket, reply="已约谈装修队", by=butler)
    services.complaint_answer(ticket=ticket, answer="施工时间限定为9点至18点", by=butler)
    client.force_login(desk_user)
    text = pdf_text(client.get(reverse("tickets:print", kwargs={"pk": ticket.pk})))
    assert text.count(ticket.serial) == 1
    for value in (
        "楼上装修噪音",
        "限制施工时间",
        "属实",
        "已约谈装修队",
        "施工时间限定为9点至18点",
    ):
        assert value in text
    with translation.override("zh-hans"):
        assert str(FORM_TITLES["complaint"]) in squeeze(text)
        assert not any(label in text for label in labels())


def test_the_days_open_orders_print_in_one_pdf(client, desk_user, household, project):
    """Today's open orders print together, three copies each; voided ones are left out."""
    tickets = [register(household=household, by=desk_user, matter=f"报修{i}") for i in range(3)]
    services.ticket_void(ticket=tickets[1], reason="重复", by=desk_user)
    client.force_login(desk_user)
    response = client.get(reverse("tickets:print-today") + f"?project={project.pk}")
    text = pdf_text(response)
    assert text.count(tickets[0].serial) == 3 and text.count(tickets[2].serial) == 3
    assert tickets[1].serial not in text


def test_resident_copy_carries_the_signed_link_and_staff_copies_the_order_page(
    desk_user, household
):
    """Copy 1's QR code holds the resident's signed link; copies 2 and 3 the order page."""
    from frontdesk.core.pdf import qr_data_uri
    from tickets.printing import copies_for, order_url, resident_url

    ticket = register(household=household, by=desk_user)
    with time_machine.travel("2026-11-25 10:00 +0800", tick=False):
        copies = copies_for(ticket, None)
        assert copies[0].qr == qr_data_uri(resident_url(ticket))
    assert [c.number for c in copies] == [1, 2, 3]
    assert copies[1].qr == copies[2].qr == qr_data_uri(order_url(ticket))


def test_the_days_run_of_fifty_orders_is_one_pdf_of_three_copies_each(desk_user, household):
    """Fifty orders print as one PDF with three copies of each (its speed is in bench/)."""
    from tickets.printing import print_orders, print_queryset

    for i in range(50):
        register(household=household, by=desk_user, matter=f"第{i}号报修：卫生间漏水")
    tickets = list(print_queryset().order_by("id"))
    reader = PdfReader(io.BytesIO(print_orders(tickets, by=desk_user)))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 50
    assert all(text.count(ticket.serial) == 3 for ticket in tickets)


def test_api_print_returns_the_same_pdf(desk_api, desk_user, household, other_project):
    """POST /api/v1/tickets/{id}/print/ gives the three copies; another project's order is a 404."""
    from .factories import TicketFactory

    ticket = register(household=household, by=desk_user)
    for accept in ("*/*", "application/pdf"):
        response = desk_api.post(f"/api/v1/tickets/{ticket.pk}/print/", HTTP_ACCEPT=accept)
        assert response.status_code == 200
        text = pdf_text(response)
        assert text.count(ticket.serial) == 3
        for label in labels():
            assert label in text
    assert Ticket.objects.get(pk=ticket.pk).print_count == 2
    other = TicketFactory(project=other_project)
    assert desk_api.get(f"/api/v1/tickets/{other.pk}/print/").status_code == 404


def test_a_print_run_counts_every_order_in_a_fixed_number_of_queries(
    desk_user, household, django_assert_num_queries
):
    """Counting the prints of 3 or 30 orders costs the same queries, and each gets its event."""
    from tickets.models import TicketEvent
    from tickets.services import tickets_record_print

    few = [register(household=household, by=desk_user, matter=f"漏水 {i}") for i in range(3)]
    many = [register(household=household, by=desk_user, matter=f"停水 {i}") for i in range(30)]
    with django_assert_num_queries(5):  # savepoint, update, read back, insert, release
        tickets_record_print(tickets=few, by=desk_user)
    with django_assert_num_queries(5):
        tickets_record_print(tickets=many, by=desk_user)
    tickets_record_print(tickets=few, by=desk_user)
    assert [t.print_count for t in few] == [2, 2, 2]
    assert TicketEvent.objects.filter(action="print", ticket__in=few).count() == 6


# --- Preview or print; masking on paper -------------------------------------------------


def _marks():
    with translation.override("zh-hans"):
        from django.utils.translation import gettext, ngettext

        preview = gettext("Preview · not counted as a printing")
        reprint = ngettext("Reprint · printing %(n)s", "Reprint · printing %(n)s", 2).split("%")[0]
    return squeeze(preview), squeeze(reprint)


def test_opening_or_downloading_the_pdf_is_a_preview_that_counts_nothing(
    client, desk_api, desk_user, household
):
    """GET (on the page, as a download, in the API) never counts a printing nor makes the next
    print a reprint; only the print action (POST) counts, and its second run is a reprint."""
    ticket = register(household=household, by=desk_user)
    client.force_login(desk_user)
    url = reverse("tickets:print", kwargs={"pk": ticket.pk})
    api_url = f"/api/v1/tickets/{ticket.pk}/print/"
    preview_mark, reprint_mark = _marks()
    for response in (
        client.get(url),
        client.get(url + "?download=1"),
        desk_api.get(api_url),
        desk_api.get(api_url + "?download=1"),
    ):
        assert response.status_code == 200
        assert preview_mark in squeeze(pdf_text(response))
    assert client.get(url + "?download=1")["Content-Disposition"].startswith("attachment")
    ticket.refresh_from_db()
    assert ticket.print_count == 0
    assert not TicketEvent.objects.filter(ticket=ticket, action="print").exists()

    first = squeeze(pdf_text(client.post(url)))
    assert preview_mark not in first and reprint_mark not in first
    assert preview_mark in squeeze(pdf_text(desk_api.get(api_url)))  # still a preview
    second = squeeze(pdf_text(desk_api.post(api_url)))
    assert second.count(reprint_mark) == 3
    ticket.refresh_from_db()
    assert ticket.print_count == 2
    assert TicketEvent.objects.filter(ticket=ticket, action="print").count() == 2


def test_the_days_run_counts_only_when_printed(client, desk_user, household, project):
    """Today's run: a GET previews (nothing counted), a POST prints and counts each order."""
    tickets = [register(household=household, by=desk_user, matter=f"报修{i}") for i in range(2)]
    client.force_login(desk_user)
    url = reverse("tickets:print-today") + f"?project={project.pk}"
    client.get(url)
    assert [t.print_count for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets])] == [0, 0]
    assert client.post(url).status_code == 200
    assert [t.print_count for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets])] == [1, 1]


def test_the_order_page_prints_with_a_post_and_previews_with_links(client, desk_user, household):
    """The page's Print button submits the print action; preview and download are plain links."""
    ticket = register(household=household, by=desk_user)
    client.force_login(desk_user)
    html = client.get(reverse("tickets:detail", kwargs={"pk": ticket.pk})).content.decode()
    url = reverse("tickets:print", kwargs={"pk": ticket.pk})
    assert f'<form method="post" action="{url}" target="_blank"' in html
    assert f'href="{url}?download=1" id="download-pdf"' in html
    assert f'action="{reverse("tickets:print-today")}"' in html


@pytest.fixture
def cleaner(project):
    from frontdesk.core.roles import Role
    from tests.factories import UserFactory

    return UserFactory(username="cleaner1", role=Role.CLEANING, projects=[project])


def _printed_texts(client, api_client, user, ticket, project):
    """The PDF text of every way the user can preview or print the order, one at a time."""
    client.force_login(user)
    api_client.force_authenticate(user)
    url = reverse("tickets:print", kwargs={"pk": ticket.pk})
    # The whole day's run: the order is printed already after the first POST below.
    today = reverse("tickets:print-today") + f"?project={project.pk}&which=today"
    api_url = f"/api/v1/tickets/{ticket.pk}/print/"
    for send, target in (
        (client.get, url),
        (client.get, today),
        (api_client.get, api_url),
        (client.post, url),
        (client.post, today),
        (api_client.post, api_url),
    ):
        yield pdf_text(send(target))


@pytest.mark.parametrize("kind", ["repair", "complaint"])
def test_printed_copies_mask_the_phone_for_a_role_that_sees_it_masked(
    client, api_client, desk_user, cleaner, household, project, kind
):
    """The cleaning role's copies (page, day's run, API; preview and print) show the household
    contact's phone as 138****5678, never in full; the desk's copies show it in full."""
    complaint = {"category": "cleaning", "reason": "service_quality"}
    extra = {"complaint": complaint} if kind == "complaint" else {}
    ticket = register(household=household, by=desk_user, kind=kind, **extra)
    for text in _printed_texts(client, api_client, cleaner, ticket, project):
        assert "13812345678" not in text
        assert "138****5678" in text
    for text in _printed_texts(client, api_client, desk_user, ticket, project):
        assert "13812345678" in text


def test_a_reporters_phone_is_masked_on_paper_as_on_screen(
    client, api_client, desk_user, cleaner, household, project
):
    """A reporter's own phone on the copies follows the printer's masking too."""
    ticket = register(
        household=household, by=desk_user, reporter_name="赵先生", reporter_phone="13700001111"
    )
    for text in _printed_texts(client, api_client, cleaner, ticket, project):
        assert "13700001111" not in text and "137****1111" in text
    for text in _printed_texts(client, api_client, desk_user, ticket, project):
        assert "13700001111" in text


def test_the_other_prints_never_show_a_phone_in_full_to_a_masked_role(
    client, desk_user, cleaner, household, project
):
    """The month-end register and a liaison form about an order, printed by the cleaning role,
    carry no resident's phone in full (they show none at all)."""
    ticket = register(
        household=household, by=desk_user, reporter_name="赵先生", reporter_phone="13700001111"
    )
    liaison = services.liaison_create(
        project=project,
        from_department="customer_service",
        to_department="engineering",
        matter="请协助检修",
        by=desk_user,
        ticket=ticket,
    )
    client.force_login(cleaner)
    month = timezone.localdate().strftime("%Y-%m")
    for response in (
        client.get(reverse("tickets:month-end"), {"month": month, "format": "pdf"}),
        client.get(reverse("tickets:liaison-print", kwargs={"pk": liaison.pk})),
    ):
        text = pdf_text(response)
        assert ticket.serial in text
        assert "13700001111" not in text and "13812345678" not in text


def test_copy_labels_in_chinese_have_no_stray_space_after_di():
    """The zh-hans copy labels read 第一联/第二联/第三联 with no space inside the ordinal."""
    assert [label.split(" · ")[0] for label in labels()] == ["第一联", "第二联", "第三联"]
