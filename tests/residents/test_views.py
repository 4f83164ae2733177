"""The household file's write pages, the unit page and the household list."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from frontdesk.core.roles import Role
from residents import services
from residents.choices import CardStatus, DecorationStatus, UnitStatus
from residents.models import (
    Attachment,
    Card,
    ChangeRecord,
    Decoration,
    Household,
    MoveIn,
    Person,
    Vehicle,
)
from tests.factories import (
    BuildingFactory,
    HouseholdFactory,
    PersonFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VALID_ID = "11010519491231002X"
BAD_CHECK_DIGIT_ID = "110105194912310021"


def url(name, **kwargs):
    return reverse(f"residents:{name}", kwargs=kwargs)


def file_url(household):
    return reverse("household-file", kwargs={"household_id": household.pk})


def success_messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def vacant_unit(building):
    return UnitFactory(building=building, project=building.project, number="1601", floor=16)


def move_in_data(**overrides):
    data = {
        "unit_code": "3-1601",
        "moved_in_on": "2026-11-22",
        "notes": "",
        "person-role": "owner",
        "person-name": "韩梅梅",
        "person-phone": "13911112222",
        "person-id_type": "resident_id",
        "person-id_number": VALID_ID,
        "person-gender": "female",
    }
    data.update(overrides)
    return data


# --- Move-in and move-out -------------------------------------------------------------


def test_move_in_by_typed_unit_code_opens_the_file(client, desk_user, vacant_unit):
    """Typing "3栋1601" finds the unit; the new file opens with its number and main contact."""
    client.force_login(desk_user)
    response = client.post(url("move-in"), move_in_data(unit_code="3栋1601"))
    household = Household.objects.get(unit=vacant_unit)
    assert response.status_code == 302 and response["Location"] == file_url(household)
    assert household.file_number == "20261122-001"
    assert household.persons.get().name == "韩梅梅"
    vacant_unit.refresh_from_db()
    assert vacant_unit.status == UnitStatus.OCCUPIED
    assert any("20261122-001" in m for m in success_messages(response))


def test_move_in_form_has_no_list_of_units(client, desk_user, vacant_unit):
    """The unit is typed, never picked from a list of every unit."""
    client.force_login(desk_user)
    html = client.get(url("move-in") + "?unit=3-1601").content.decode()
    assert 'name="unit_code"' in html and 'value="3-1601"' in html
    assert '<select name="unit' not in html


def test_move_in_into_an_occupied_unit_is_refused(client, desk_user, household):
    """A unit with a current household shows the refusal on the unit field; nothing is saved."""
    client.force_login(desk_user)
    response = client.post(url("move-in"), move_in_data(unit_code="3-1502"))
    assert response.status_code == 200
    assert response.context["form"].errors["unit_code"]
    assert Household.objects.filter(unit=household.unit).count() == 1
    assert not Person.objects.filter(name="韩梅梅").exists()


def test_move_in_into_another_projects_unit_is_refused(client, other_desk_user, vacant_unit):
    """A unit code of a project the user is not in is not found."""
    client.force_login(other_desk_user)
    response = client.post(url("move-in"), move_in_data())
    assert response.context["form"].errors["unit_code"]
    assert not Household.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("person-phone", "12345"), ("person-id_number", BAD_CHECK_DIGIT_ID)],
)
def test_move_in_with_bad_personal_data_saves_nothing(client, desk_user, vacant_unit, field, value):
    """A bad phone or an ID number with a wrong check digit is a field error; no file is opened."""
    client.force_login(desk_user)
    response = client.post(url("move-in"), move_in_data(**{field: value}))
    assert response.status_code == 200
    assert response.context["person_form"].errors[field.removeprefix("person-")]
    assert not Household.objects.exists()


def test_move_out_frees_the_unit(client, desk_user, household):
    """Moving out dates the file, frees the unit and returns to the file with a message."""
    client.force_login(desk_user)
    response = client.post(
        url("move-out", household_id=household.pk), {"moved_out_on": "2026-11-30"}
    )
    assert response["Location"] == file_url(household)
    household.refresh_from_db()
    assert household.moved_out_on == dt.date(2026, 11, 30)


def test_move_out_before_move_in_is_a_field_error(client, desk_user, household):
    """A move-out date before the move-in date is refused on its field."""
    client.force_login(desk_user)
    response = client.post(
        url("move-out", household_id=household.pk), {"moved_out_on": "2020-01-01"}
    )
    assert response.context["form"].errors["moved_out_on"]
    household.refresh_from_db()
    assert household.moved_out_on is None


# --- Persons, vehicles, cards ---------------------------------------------------------


def test_add_person_records_the_change(client, desk_user, household):
    """A person added through the form is in the file and in its history."""
    client.force_login(desk_user)
    response = client.post(
        url("person-add", household_id=household.pk),
        {
            "role": "tenant",
            "name": "李雷",
            "phone": "139 1234 0000",
            "id_type": "resident_id",
            "id_number": VALID_ID,
            "gender": "male",
            "notes": "",
        },
    )
    assert response["Location"] == file_url(household)
    person = household.persons.get(name="李雷")
    assert person.phone == "13912340000"
    assert ChangeRecord.objects.filter(household=household, subject="person").exists()


@pytest.mark.parametrize(("field", "value"), [("phone", "0000"), ("id_number", BAD_CHECK_DIGIT_ID)])
def test_add_person_with_bad_data_is_refused(client, desk_user, household, field, value):
    """A bad phone or ID check digit shows a field error and adds nobody."""
    client.force_login(desk_user)
    data = {
        "role": "member",
        "name": "错号",
        "phone": "13912340000",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "gender": "",
    }
    data[field] = value
    response = client.post(url("person-add", household_id=household.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Person.objects.filter(name="错号").exists()


def test_desk_edits_a_person_without_seeing_the_id_number(client, desk_user, household):
    """The desk's edit form hides the ID number and keeps it when left empty."""
    person = household.persons.get()
    client.force_login(desk_user)
    page = client.get(url("person-edit", person_id=person.pk)).content.decode()
    assert person.id_number not in page
    client.post(
        url("person-edit", person_id=person.pk),
        {
            "role": "owner",
            "name": "王建国",
            "phone": "13812349999",
            "id_type": "resident_id",
            "id_number": "",
            "gender": "",
            "is_primary": "on",
            "is_active": "on",
            "notes": "",
        },
    )
    person.refresh_from_db()
    assert (person.phone, person.id_number) == ("13812349999", "11010519491231002X")
    line = ChangeRecord.objects.get(household=household, subject="person")
    assert line.changes == {"phone": ["13812345678", "13812349999"]}


def test_engineer_may_not_add_a_person(client, engineer, household):
    """A read-only role is refused the form."""
    client.force_login(engineer)
    assert client.get(url("person-add", household_id=household.pk)).status_code == 403


def test_forms_of_another_projects_household_are_404(client, other_desk_user, household):
    """Every write page of another project's household answers 404."""
    client.force_login(other_desk_user)
    person = household.persons.get()
    for address in (
        url("person-add", household_id=household.pk),
        url("person-edit", person_id=person.pk),
        url("note-add", household_id=household.pk),
        url("move-out", household_id=household.pk),
        url("movein-record", household_id=household.pk),
        url("unit", unit_id=household.unit_id),
    ):
        assert client.get(address).status_code == 404, address


def test_vehicle_and_parking_card(client, desk_user, household):
    """A vehicle is registered, a parking card issued for it, then reported lost."""
    client.force_login(desk_user)
    client.post(
        url("vehicle-add", household_id=household.pk),
        {"plate": "粤b 12345", "description": "白色轿车", "parking_space": "B2-018"},
    )
    vehicle = Vehicle.objects.get(household=household)
    assert vehicle.plate == "粤B12345"
    client.post(
        url("card-issue", household_id=household.pk),
        {
            "kind": "parking",
            "number": "P-0001",
            "issued_on": "2026-11-22",
            "vehicle": vehicle.pk,
            "holder": "",
        },
    )
    card = Card.objects.get(household=household)
    response = client.post(
        url("card-status", card_id=card.pk), {"status": "lost", "on": "2026-11-25"}
    )
    assert response["Location"] == file_url(household)
    card.refresh_from_db()
    assert (card.status, card.returned_on) == (CardStatus.LOST, dt.date(2026, 11, 25))


def test_duplicate_active_card_number_is_a_field_error(client, desk_user, household):
    """Issuing a card number that is already active is refused on the number field."""
    client.force_login(desk_user)
    data = {"kind": "access", "number": "A-77", "issued_on": "2026-11-22"}
    client.post(url("card-issue", household_id=household.pk), data)
    response = client.post(url("card-issue", household_id=household.pk), data)
    assert response.context["form"].errors["number"]
    assert Card.objects.filter(number="A-77").count() == 1


def test_bad_plate_is_refused(client, desk_user, household):
    """A plate that is not a Chinese licence plate is a field error."""
    client.force_login(desk_user)
    response = client.post(url("vehicle-add", household_id=household.pk), {"plate": "XYZ"})
    assert response.context["form"].errors["plate"]
    assert not Vehicle.objects.exists()


# --- Move-in record and decoration ----------------------------------------------------


def test_move_in_record_keeps_keys_readings_and_checklist(client, desk_user, household):
    """Keys, meter readings and the filled checklist rows are saved; empty rows are dropped."""
    client.force_login(desk_user)
    data = {
        "keys_handed": "3",
        "key_notes": "入户门2把 信箱1把",
        "water_reading": "12.50",
        "electricity_reading": "1032",
        "gas_reading": "",
        "signed_on": "2026-11-22",
        "checklist-TOTAL_FORMS": "3",
        "checklist-INITIAL_FORMS": "0",
        "checklist-MIN_NUM_FORMS": "0",
        "checklist-MAX_NUM_FORMS": "60",
        "checklist-0-item": "入户门",
        "checklist-0-condition": "good",
        "checklist-0-note": "",
        "checklist-1-item": "卫生间地漏",
        "checklist-1-condition": "defect",
        "checklist-1-note": "堵塞",
        "checklist-2-item": "",
        "checklist-2-condition": "good",
        "checklist-2-note": "",
    }
    response = client.post(url("movein-record", household_id=household.pk), data)
    assert response["Location"] == file_url(household)
    record = MoveIn.objects.get(household=household)
    assert record.keys_handed == 3
    assert [row["item"] for row in record.checklist] == ["入户门", "卫生间地漏"]
    page = client.get(file_url(household)).content.decode()
    assert "卫生间地漏" in page and "堵塞" in page


def test_negative_meter_reading_is_refused(client, desk_user, household):
    """A negative base reading is a field error, and no record is saved."""
    client.force_login(desk_user)
    data = {
        "keys_handed": "1",
        "water_reading": "-1",
        "checklist-TOTAL_FORMS": "0",
        "checklist-INITIAL_FORMS": "0",
    }
    response = client.post(url("movein-record", household_id=household.pk), data)
    assert response.context["form"].errors["water_reading"]
    assert not MoveIn.objects.exists()


def test_decoration_from_application_to_final_inspection(client, desk_user, household):
    """Apply, approve, start, issue a worker pass, and pass the final inspection."""
    client.force_login(desk_user)
    client.post(
        url("decoration-apply", household_id=household.pk),
        {
            "applied_on": "2026-11-01",
            "description": "厨房、卫生间翻新",
            "contractor": "好家装修",
            "contractor_phone": "13698765432",
            "planned_start": "2026-11-10",
            "planned_end": "2026-12-20",
            "deposit": "2000",
        },
    )
    decoration = Decoration.objects.get(household=household)
    client.post(url("decoration-status", decoration_id=decoration.pk), {"status": "approved"})
    client.post(url("decoration-status", decoration_id=decoration.pk), {"status": "in_progress"})
    client.post(
        url("worker-pass", decoration_id=decoration.pk),
        {
            "name": "张师傅",
            "phone": "13512345678",
            "id_number": VALID_ID,
            "valid_until": "2026-12-20",
        },
    )
    response = client.post(
        url("inspection", decoration_id=decoration.pk),
        {"kind": "final", "inspected_on": "2026-12-21", "result": "passed", "notes": "合格"},
    )
    assert response["Location"] == file_url(household)
    decoration.refresh_from_db()
    assert decoration.status == DecorationStatus.INSPECTED
    assert decoration.worker_passes.get().name == "张师傅"
    household.unit.refresh_from_db()
    assert household.unit.status == UnitStatus.OCCUPIED


def test_illegal_decoration_step_is_a_message_not_an_error_page(client, desk_user, household):
    """Starting works on an unapproved decoration is refused with a message."""
    decoration = services.decoration_apply(
        household=household,
        by=desk_user,
        data={
            "applied_on": dt.date(2026, 11, 1),
            "description": "刷墙",
            "planned_start": dt.date(2026, 11, 2),
            "planned_end": dt.date(2026, 11, 3),
        },
    )
    client.force_login(desk_user)
    response = client.post(
        url("decoration-status", decoration_id=decoration.pk),
        {"status": "in_progress"},
        follow=True,
    )
    assert response.status_code == 200
    decoration.refresh_from_db()
    assert decoration.status == DecorationStatus.APPLIED
    assert 'class="msg-error"' in response.content.decode()


def test_decoration_end_before_start_is_refused(client, desk_user, household):
    """A planned end before the planned start is a field error."""
    client.force_login(desk_user)
    response = client.post(
        url("decoration-apply", household_id=household.pk),
        {
            "applied_on": "2026-11-01",
            "description": "刷墙",
            "planned_start": "2026-11-10",
            "planned_end": "2026-11-01",
            "deposit": "0",
        },
    )
    assert response.context["form"].errors["planned_end"]
    assert not Decoration.objects.exists()


# --- Attachments and notes ------------------------------------------------------------


def test_oversized_attachment_is_a_form_error(client, desk_user, household, settings):
    """A file over MAX_UPLOAD_BYTES is refused on the file field and nothing is kept."""
    settings.MAX_UPLOAD_BYTES = 1024
    client.force_login(desk_user)
    response = client.post(
        url("attachment-add", household_id=household.pk),
        {"title": "购房合同", "file": SimpleUploadedFile("big.pdf", b"x" * 2048)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Attachment.objects.exists()


def test_attachment_is_served_only_within_the_project(
    client, desk_user, other_desk_user, household
):
    """An uploaded scan downloads for the project's staff and is a 404 for others."""
    client.force_login(desk_user)
    client.post(
        url("attachment-add", household_id=household.pk),
        {"title": "身份证复印件", "file": SimpleUploadedFile("id.pdf", b"%PDF-1.4 scan")},
    )
    attachment = Attachment.objects.get()
    download = client.get(url("attachment-download", attachment_id=attachment.pk))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 scan"
    client.force_login(other_desk_user)
    assert client.get(url("attachment-download", attachment_id=attachment.pk)).status_code == 404


def test_note_is_added_and_an_empty_one_refused(client, desk_user, household):
    """A note appears on the file; a blank one is a field error."""
    client.force_login(desk_user)
    response = client.post(url("note-add", household_id=household.pk), {"text": "   "})
    assert response.context["form"].errors["text"]
    client.post(url("note-add", household_id=household.pk), {"text": "业主要求晚上8点后勿扰"})
    assert "业主要求晚上8点后勿扰" in client.get(file_url(household)).content.decode()


# --- Unit page ------------------------------------------------------------------------


def test_unit_page_lists_every_household_current_first(
    client, desk_user, household, django_assert_num_queries
):
    """The unit page shows the current household above the ones that moved out."""
    services.household_move_out(household=household, moved_out_on=dt.date(2026, 6, 1), by=desk_user)
    newcomer = HouseholdFactory(unit=household.unit, moved_in_on=dt.date(2026, 7, 1))
    PersonFactory(household=newcomer, name="赵新", phone="13700001111")
    client.force_login(desk_user)
    with django_assert_num_queries(9):
        html = client.get(url("unit", unit_id=household.unit_id)).content.decode()
    assert html.index("赵新") < html.index("王建国")
    assert file_url(household) in html and file_url(newcomer) in html


# --- Household list -------------------------------------------------------------------


@pytest.fixture
def many_households(project, building):
    other_building = BuildingFactory(project=project, number="5")
    households = []
    for i in range(7):
        b = building if i % 2 == 0 else other_building
        h = HouseholdFactory(unit=UnitFactory(building=b, number=f"2{i:02d}"))
        PersonFactory(household=h, name=f"住户{i}")
        households.append(h)
    return households


def test_household_list_filters_like_the_api(client, desk_user, many_households, building):
    """One query string gives the same households on the page and from /api/v1/households/."""
    client.force_login(desk_user)
    query = {"building": building.pk, "current": "true"}
    page = client.get(url("household-list"), query)
    api = client.get("/api/v1/households/", {**query, "page_size": 200})
    page_ids = [h.pk for h in page.context["rows"]]
    api_ids = [row["id"] for row in api.json()["results"]]
    assert page_ids and sorted(page_ids) == sorted(api_ids)
    assert len(page_ids) == 4


def test_household_list_pages_by_keyset(client, desk_user, many_households, monkeypatch):
    """Pages follow each other without gaps or repeats, newest first, with no total count."""
    monkeypatch.setattr("residents.views.LIST_PAGE_SIZE", 3)
    client.force_login(desk_user)
    seen, address = [], url("household-list")
    while address:
        response = client.get(address)
        seen += [h.pk for h in response.context["rows"]]
        older = response.context["older"]
        address = f"{url('household-list')}?after={older}" if older else None
    assert seen == sorted((h.pk for h in many_households), reverse=True)


def test_household_list_query_count_is_fixed(
    client, desk_user, many_households, django_assert_num_queries
):
    """The list costs the same queries whatever the number of rows shown."""
    client.force_login(desk_user)
    with django_assert_num_queries(10) as captured:
        response = client.get(url("household-list"))
    assert len(response.context["rows"]) == 7
    assert not any("COUNT(" in q["sql"].upper() for q in captured.captured_queries)


def test_household_list_bad_filter_shows_the_error(client, desk_user, many_households):
    """An invalid filter value is shown on the form rather than ignored."""
    client.force_login(desk_user)
    response = client.get(url("household-list"), {"current": "maybe"})
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert response.context["filterset"].form.errors["current"]


def test_household_list_masks_phones_for_engineers(client, project, many_households):
    """An engineer sees masked phones on the list."""
    engineer = UserFactory(role=Role.ENGINEERING, projects=[project])
    client.force_login(engineer)
    html = client.get(url("household-list")).content.decode()
    phone = many_households[0].persons.get().phone
    assert phone not in html and phone[:3] + "****" + phone[-4:] in html


def test_every_write_page_renders_for_the_desk(client, desk_user, household):
    """Each form of the file opens for the desk, inside the site's layout."""
    services.movein_record(household=household, data={"keys_handed": 2}, by=desk_user)
    decoration = services.decoration_apply(
        household=household,
        by=desk_user,
        data={
            "applied_on": dt.date(2026, 11, 1),
            "description": "刷墙",
            "planned_start": dt.date(2026, 11, 2),
            "planned_end": dt.date(2026, 11, 3),
        },
    )
    card = services.card_issue(
        household=household,
        kind="access",
        number="A-1",
        issued_on=dt.date(2026, 11, 1),
        by=desk_user,
    )
    person = household.persons.get()
    client.force_login(desk_user)
    pages = [
        url("move-in"),
        url("move-out", household_id=household.pk),
        url("household-edit", household_id=household.pk),
        url("person-add", household_id=household.pk),
        url("person-edit", person_id=person.pk),
        url("vehicle-add", household_id=household.pk),
        url("card-issue", household_id=household.pk),
        url("card-status", card_id=card.pk),
        url("movein-record", household_id=household.pk),
        url("decoration-apply", household_id=household.pk),
        url("worker-pass", decoration_id=decoration.pk),
        url("inspection", decoration_id=decoration.pk),
        url("attachment-add", household_id=household.pk),
        url("note-add", household_id=household.pk),
        url("unit", unit_id=household.unit_id),
        url("household-list"),
    ]
    for address in pages:
        response = client.get(address)
        assert response.status_code == 200, address
        assert 'class="topbar"' in response.content.decode(), address


def test_staff_of_two_projects_choose_the_project_of_an_ambiguous_unit(
    client, project, other_project, vacant_unit
):
    """When both projects have a unit 3-1601, the move-in asks which project, then opens it."""
    other_building = BuildingFactory(project=other_project, number="3")
    twin = UnitFactory(building=other_building, project=other_project, number="1601", floor=16)
    user = UserFactory(role=Role.DESK, projects=[project, other_project])
    client.force_login(user)
    response = client.post(url("move-in"), move_in_data())
    assert response.context["form"].errors["project"]
    assert not Household.objects.exists()
    client.post(url("move-in"), move_in_data(project=other_project.pk))
    assert Household.objects.get().unit == twin


def test_unit_lookup_tells_whether_the_unit_is_free(client, desk_user, household, vacant_unit):
    """While typing the unit on the move-in form, the desk sees if it already has a household."""
    client.force_login(desk_user)
    lookup = url("unit-lookup")
    occupied = client.get(lookup, {"unit_code": "3-1502"}).content.decode()
    assert household.file_number in occupied and "王建国" in occupied
    free = client.get(lookup, {"unit_code": "3栋1601"}).content.decode()
    assert "3-1601" in free and household.file_number not in free
    assert "3-1502" not in client.get(lookup, {"unit_code": "9-9999"}).content.decode()


def test_unit_lookup_shows_nothing_of_other_projects(client, other_desk_user, household):
    """Another project's unit is not found by the lookup."""
    client.force_login(other_desk_user)
    html = client.get(url("unit-lookup"), {"unit_code": "3-1502"}).content.decode()
    assert household.file_number not in html


def test_a_service_refusal_lands_on_the_forms_fields(desk_user):
    """A refusal named after the service's fields is shown on the matching form fields."""
    from frontdesk.core.errors import ApplicationError
    from residents.forms import MainContactForm, MoveInForm, apply_error

    form = MoveInForm({"unit_code": "3-1502", "moved_in_on": "2026-11-22"}, user=desk_user)
    person_form = MainContactForm({"person-name": "李雷"}, prefix="person")
    form.is_valid()
    person_form.is_valid()
    apply_error(ApplicationError(fields={"unit": ["已有住户"]}), form, rename={"unit": "unit_code"})
    apply_error(
        ApplicationError(fields={"persons[0].phone": ["号码有误"]}),
        person_form,
        rename={"persons[0].phone": "phone"},
    )
    assert "已有住户" in form.errors["unit_code"]
    assert "号码有误" in person_form.errors["phone"]


def test_an_uploaded_web_page_is_downloaded_never_rendered(client, desk_user, household):
    """An attachment that is not a scan or photo is sent as a download."""
    client.force_login(desk_user)
    client.post(
        url("attachment-add", household_id=household.pk),
        {"title": "网页", "file": SimpleUploadedFile("page.html", b"<script>alert(1)</script>")},
    )
    response = client.get(url("attachment-download", attachment_id=Attachment.objects.get().pk))
    assert response["Content-Disposition"].startswith("attachment")


def test_an_uploaded_svg_drawing_is_downloaded_never_rendered(client, desk_user, household):
    """An SVG (an image that can run scripts) is sent as a download, a photo opens inline."""
    client.force_login(desk_user)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name, content in (("plan.svg", svg), ("photo.png", b"\x89PNG\r\n\x1a\n")):
        client.post(
            url("attachment-add", household_id=household.pk),
            {"title": name, "file": SimpleUploadedFile(name, content)},
        )
    served = {
        a.title: client.get(url("attachment-download", attachment_id=a.pk))
        for a in Attachment.objects.all()
    }
    assert served["plan.svg"]["Content-Disposition"].startswith("attachment")
    assert served["photo.png"]["Content-Disposition"].startswith("inline")


def test_household_list_ignores_a_cursor_that_is_not_a_number(client, desk_user, household):
    """A page cursor such as ?after=² shows the first page instead of failing."""
    client.force_login(desk_user)
    response = client.get(reverse("residents:household-list"), {"after": "²", "before": "³"})
    assert response.status_code == 200
    assert household.file_number in response.content.decode()
