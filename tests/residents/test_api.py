"""The household file's REST API: reads, writes through the services, refusals."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from frontdesk.core.models import Membership
from residents import services
from residents.choices import CardStatus, DecorationStatus, UnitStatus
from residents.models import (
    Attachment,
    Building,
    Card,
    ChangeRecord,
    Decoration,
    Household,
    MoveIn,
    Note,
    Person,
    Unit,
    Vehicle,
)
from tests.factories import (
    BuildingFactory,
    HouseholdFactory,
    PersonFactory,
    ProjectFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _decoration(household, user, **extra):
    data = {
        "applied_on": dt.date(2026, 11, 20),
        "description": "厨房改造",
        "contractor": "美家装饰",
        "contractor_phone": "13700000000",
        "planned_start": dt.date(2026, 12, 1),
        "planned_end": dt.date(2026, 12, 31),
        **extra,
    }
    return services.decoration_apply(household=household, data=data, by=user)


# --- Households ----------------------------------------------------------------


def test_move_in_through_the_api_opens_a_numbered_file(desk_api, building):
    """POST /households/ moves a household in: file number, people, unit occupied, history."""
    unit = UnitFactory(building=building, number="0801", floor=8)
    response = desk_api.post(
        f"{API}/households/",
        {
            "unit": unit.pk,
            "moved_in_on": "2026-11-22",
            "persons": [{"name": "李雷", "phone": "+86 138 0000 0001", "is_primary": True}],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["file_number"] == "20261122-001"
    assert body["unit_code"] == "3-0801"
    assert [p["phone"] for p in body["persons"]] == ["13800000001"]
    assert body["main_contact"]["name"] == "李雷"
    unit.refresh_from_db()
    assert unit.status == UnitStatus.OCCUPIED
    assert ChangeRecord.objects.filter(household_id=body["id"], action="moved_in").exists()


def test_move_in_into_an_occupied_unit_is_refused_on_the_unit(desk_api, household):
    """A unit that still has a current household refuses a second one, on the `unit` field."""
    response = desk_api.post(
        f"{API}/households/",
        {"unit": household.unit_id, "moved_in_on": "2026-11-22"},
        format="json",
    )
    assert response.status_code == 400
    assert "unit" in response.json()
    assert Household.objects.count() == 1


def test_move_out_closes_the_file_and_frees_the_unit(desk_api, household):
    """POST /households/{id}/move-out/ records the date; the unit becomes vacant."""
    response = desk_api.post(
        f"{API}/households/{household.pk}/move-out/",
        {"moved_out_on": "2026-11-23"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["is_current"] is False
    household.unit.refresh_from_db()
    assert household.unit.status == UnitStatus.VACANT
    again = desk_api.post(
        f"{API}/households/{household.pk}/move-out/",
        {"moved_out_on": "2026-11-24"},
        format="json",
    )
    assert again.status_code == 400
    assert "moved_out_on" in again.json()


def test_household_notes_are_corrected_with_patch_and_recorded(desk_api, household):
    """PATCH changes the household's notes and the change shows in its history."""
    response = desk_api.patch(
        f"{API}/households/{household.pk}/", {"notes": "业主常住深圳"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["notes"] == "业主常住深圳"
    history = desk_api.get(f"{API}/changes/?household={household.pk}").json()["results"]
    assert history[0]["changes"]["notes"] == ["", "业主常住深圳"]


def test_nothing_is_ever_deleted(desk_api, household):
    """DELETE is refused on households and persons (405, not 403); the rows stay."""
    person = household.persons.get()
    assert desk_api.delete(f"{API}/households/{household.pk}/").status_code == 405
    assert desk_api.delete(f"{API}/persons/{person.pk}/").status_code == 405
    assert Household.objects.filter(pk=household.pk).exists()
    assert Person.objects.filter(pk=person.pk).exists()
    assert desk_api.get(f"{API}/households/{household.pk}/move-out/").status_code == 405
    household.refresh_from_db()
    assert household.is_current


def test_a_role_without_the_permission_cannot_move_a_household_in(api_client, engineer, unit):
    """Engineering may read household files but not open one."""
    api_client.force_authenticate(engineer)
    assert api_client.get(f"{API}/households/").status_code == 200
    response = api_client.post(
        f"{API}/households/", {"unit": unit.pk, "moved_in_on": "2026-11-22"}, format="json"
    )
    assert response.status_code == 403
    assert not Household.objects.exists()


# --- Bad input -----------------------------------------------------------------


def test_duplicate_unit_number_is_refused_on_the_number(desk_api, unit):
    """A second unit 1502 in building 3 is a 400 on `number`, and no unit is added."""
    response = desk_api.post(
        f"{API}/units/",
        {"building": unit.building_id, "number": "1502", "floor": 15, "floor_area": "89.5"},
        format="json",
    )
    assert response.status_code == 400
    assert "number" in response.json()
    assert Unit.objects.count() == 1


def test_malformed_phone_is_refused_on_the_phone(desk_api, household):
    """A 5-digit phone is a 400 on `phone`, and no person is added."""
    response = desk_api.post(
        f"{API}/persons/",
        {"household": household.pk, "name": "韩梅梅", "phone": "12345"},
        format="json",
    )
    assert response.status_code == 400
    assert "phone" in response.json()
    assert household.persons.count() == 1


def test_bad_id_check_digit_is_refused_on_the_id_number(desk_api, household):
    """A resident ID whose check digit is wrong is a 400 on `id_number`, nothing saved."""
    response = desk_api.post(
        f"{API}/persons/",
        {"household": household.pk, "name": "韩梅梅", "id_number": "110105194912310021"},
        format="json",
    )
    assert response.status_code == 400
    assert "id_number" in response.json()
    assert household.persons.count() == 1


def test_bad_person_in_a_move_in_is_refused_and_no_file_is_opened(desk_api, building):
    """A bad ID number of one person refuses the whole move-in: no household, no file number."""
    unit = UnitFactory(building=building, number="0802", floor=8)
    response = desk_api.post(
        f"{API}/households/",
        {
            "unit": unit.pk,
            "moved_in_on": "2026-11-22",
            "persons": [{"name": "李雷", "id_number": "110105194912310021"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["persons.0.id_number"]
    assert not Household.objects.filter(unit=unit).exists()


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/units/?status=demolished", "status"),
        ("/households/?moved_in_after=2026-02-30", "moved_in_after"),
        ("/households/?unit=twelve", "unit"),
        ("/households/?current=perhaps", "current"),
        ("/cards/?kind=golden", "kind"),
        ("/decorations/?status=finished", "status"),
    ],
)
def test_invalid_filter_values_are_a_400_on_the_parameter(desk_api, url, field):
    """An unknown choice or a malformed date, number or yes/no answers 400 naming the filter."""
    response = desk_api.get(f"{API}{url}")
    assert response.status_code == 400
    assert field in response.json()


def test_oversized_upload_is_refused_on_the_file(desk_api, household, settings):
    """A file over the upload limit is a 400 on `file`; a small one is kept in the file."""
    settings.MAX_UPLOAD_BYTES = 1024
    big = SimpleUploadedFile("scan.pdf", b"%PDF" + b"x" * 2048, content_type="application/pdf")
    response = desk_api.post(
        f"{API}/attachments/",
        {"household": household.pk, "title": "购房合同", "file": big},
        format="multipart",
    )
    assert response.status_code == 400
    assert "file" in response.json()
    assert not Attachment.objects.exists()
    small = SimpleUploadedFile("id.jpg", b"\xff\xd8" + b"x" * 100, content_type="image/jpeg")
    response = desk_api.post(
        f"{API}/attachments/",
        {"household": household.pk, "title": "身份证", "file": small},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["size"] == 102
    assert response.json()["title"] == "身份证"


def test_attachment_is_downloaded_through_the_api_not_the_media_url(desk_api, household):
    """An attachment's `download_url` serves its bytes to staff of the project only."""
    scan = SimpleUploadedFile("plan.txt", "户型图".encode(), content_type="text/plain")
    created = desk_api.post(
        f"{API}/attachments/",
        {"household": household.pk, "file": scan},
        format="multipart",
    ).json()
    assert created["title"] == "plan.txt"
    assert "/media/" not in created["download_url"]
    response = desk_api.get(created["download_url"])
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode() == "户型图"
    desk_api.force_authenticate(None)
    assert desk_api.get(created["download_url"]).status_code == 401


# --- Persons, vehicles, cards ----------------------------------------------------


def test_person_is_added_corrected_and_taken_off_the_file(desk_api, household):
    """A person is added, their phone corrected, and finally marked inactive (never deleted)."""
    response = desk_api.post(
        f"{API}/persons/",
        {"household": household.pk, "name": "王小明", "role": "member", "phone": "13900000001"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    person_id = response.json()["id"]
    response = desk_api.patch(
        f"{API}/persons/{person_id}/", {"phone": "13900000002"}, format="json"
    )
    assert response.json()["phone"] == "13900000002"
    response = desk_api.patch(f"{API}/persons/{person_id}/", {"is_active": False}, format="json")
    assert response.json()["is_active"] is False
    listed = desk_api.get(f"{API}/persons/?household={household.pk}&is_active=true").json()
    assert [p["name"] for p in listed["results"]] == ["王建国"]


def test_vehicle_and_parking_card_lifecycle(desk_api, household):
    """A vehicle gets a parking card; its number is reissued only once the card is lost."""
    response = desk_api.post(
        f"{API}/vehicles/", {"household": household.pk, "plate": "粤b 12345"}, format="json"
    )
    assert response.status_code == 201, response.json()
    vehicle = response.json()
    assert vehicle["plate"] == "粤B12345"
    duplicate = desk_api.post(
        f"{API}/vehicles/", {"household": household.pk, "plate": "粤B12345"}, format="json"
    )
    assert duplicate.status_code == 400
    assert "plate" in duplicate.json()
    card = {
        "household": household.pk,
        "kind": "parking",
        "number": "P-0001",
        "vehicle": vehicle["id"],
        "issued_on": "2026-11-22",
    }
    response = desk_api.post(f"{API}/cards/", card, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["vehicle_plate"] == "粤B12345"
    card_id = response.json()["id"]
    refused = desk_api.post(f"{API}/cards/", card, format="json")
    assert refused.status_code == 400
    assert "number" in refused.json()
    lost = desk_api.post(
        f"{API}/cards/{card_id}/status/", {"status": "lost", "on": "2026-11-25"}, format="json"
    )
    assert lost.status_code == 200
    assert (lost.json()["status"], lost.json()["returned_on"]) == ("lost", "2026-11-25")
    assert desk_api.post(f"{API}/cards/", card, format="json").status_code == 201
    assert Card.objects.filter(number="P-0001", status=CardStatus.ACTIVE).count() == 1
    off = desk_api.patch(f"{API}/vehicles/{vehicle['id']}/", {"is_active": False}, format="json")
    assert off.json()["is_active"] is False


def test_card_holder_must_belong_to_the_household(desk_api, household, building):
    """A card for a person of another household is refused on `holder`."""
    neighbour = HouseholdFactory(unit=UnitFactory(building=building, number="0303", floor=3))
    stranger = PersonFactory(household=neighbour)
    response = desk_api.post(
        f"{API}/cards/",
        {
            "household": household.pk,
            "kind": "access",
            "number": "A-1",
            "holder": stranger.pk,
            "issued_on": "2026-11-22",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "holder" in response.json()
    assert not Card.objects.exists()


# --- Move-in record and decoration ----------------------------------------------


def test_move_in_record_with_checklist_is_created_then_corrected(desk_api, household):
    """The move-in record keeps keys, readings and checklist; a second POST is refused."""
    record = {
        "household": household.pk,
        "keys_handed": 3,
        "water_reading": "12.50",
        "checklist": [
            {"item": "入户门", "condition": "good"},
            {"item": "卫生间地漏", "condition": "defect", "note": "堵塞"},
        ],
        "signed_on": "2026-01-15",
    }
    response = desk_api.post(f"{API}/move-ins/", record, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["checklist"][1]["condition"] == "defect"
    assert desk_api.post(f"{API}/move-ins/", record, format="json").status_code == 400
    unknown = {**record, "checklist": [{"item": "门", "condition": "?"}]}
    bad = desk_api.post(f"{API}/move-ins/", unknown, format="json")
    assert bad.status_code == 400
    response = desk_api.patch(
        f"{API}/move-ins/{response.json()['id']}/", {"keys_handed": 4}, format="json"
    )
    assert response.json()["keys_handed"] == 4
    detail = desk_api.get(f"{API}/households/{household.pk}/").json()
    assert detail["move_in"]["keys_handed"] == 4


def test_decoration_from_application_to_final_inspection(desk_api, household):
    """A decoration is applied for, approved, gets a worker pass, and passes final inspection."""
    response = desk_api.post(
        f"{API}/decorations/",
        {
            "household": household.pk,
            "applied_on": "2026-11-20",
            "description": "厨房改造",
            "planned_start": "2026-12-01",
            "planned_end": "2026-12-31",
            "deposit": "2000",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    decoration = response.json()["id"]
    early = desk_api.post(
        f"{API}/decorations/{decoration}/passes/",
        {"name": "张师傅", "valid_until": "2026-12-31"},
        format="json",
    )
    assert early.status_code == 400
    approved = desk_api.post(
        f"{API}/decorations/{decoration}/status/", {"status": "approved"}, format="json"
    )
    assert approved.json()["status"] == DecorationStatus.APPROVED
    worker = desk_api.post(
        f"{API}/decorations/{decoration}/passes/",
        {"name": "张师傅", "phone": "13600000000", "valid_until": "2026-12-31"},
        format="json",
    )
    assert worker.status_code == 201, worker.json()
    assert worker.json()["pass_number"] == f"{decoration}-01"
    back = f"{API}/decorations/{decoration}/passes/{worker.json()['id']}/return/"
    returned = desk_api.post(back, {"returned_on": "2026-12-31"}, format="json")
    assert returned.json()["returned_on"] == "2026-12-31"
    twice = desk_api.post(back, {"returned_on": "2027-01-02"}, format="json")
    assert twice.status_code == 400
    assert "returned_on" in twice.json()
    inspection = desk_api.post(
        f"{API}/decorations/{decoration}/inspections/",
        {"kind": "final", "inspected_on": "2026-12-31", "result": "passed"},
        format="json",
    )
    assert inspection.status_code == 201, inspection.json()
    shown = desk_api.get(f"{API}/decorations/{decoration}/").json()
    assert shown["status"] == DecorationStatus.INSPECTED
    assert [p["name"] for p in shown["worker_passes"]] == ["张师傅"]
    assert [i["result"] for i in shown["inspections"]] == ["passed"]


def test_illegal_decoration_move_and_reversed_dates_are_refused(desk_api, household, desk_user):
    """An applied decoration cannot jump to inspected; an end before the start is refused."""
    decoration = _decoration(household, desk_user)
    response = desk_api.post(
        f"{API}/decorations/{decoration.pk}/status/", {"status": "inspected"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()
    response = desk_api.post(
        f"{API}/decorations/",
        {
            "household": household.pk,
            "applied_on": "2026-11-20",
            "description": "刷墙",
            "planned_start": "2026-12-10",
            "planned_end": "2026-12-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "planned_end" in response.json()


def test_notes_are_written_and_listed_per_household(desk_api, household):
    """A note is added to a household and listed under it with its author."""
    response = desk_api.post(
        f"{API}/notes/", {"household": household.pk, "text": " 周末在家 "}, format="json"
    )
    assert response.status_code == 201
    listed = desk_api.get(f"{API}/notes/?household={household.pk}").json()["results"]
    assert [(n["text"], n["author_name"] != "") for n in listed] == [("周末在家", True)]
    empty = desk_api.post(f"{API}/notes/", {"household": household.pk, "text": "  "}, format="json")
    assert empty.status_code == 400


# --- Lists: filters, browsable forms, query counts ---------------------------------


def test_household_search_and_filters_through_the_api(desk_api, household, building):
    """`q`, `building` and `current` select the same households the page would."""
    other = HouseholdFactory(
        unit=UnitFactory(building=building, number="0101", floor=1),
        moved_out_on=dt.date(2026, 5, 1),
    )
    found = desk_api.get(f"{API}/households/?q=王建国").json()["results"]
    assert [h["id"] for h in found] == [household.pk]
    current = desk_api.get(f"{API}/households/?building={building.pk}&current=true").json()
    assert [h["id"] for h in current["results"]] == [household.pk]
    gone = desk_api.get(f"{API}/households/?current=false").json()["results"]
    assert [h["id"] for h in gone] == [other.pk]


def test_browsable_forms_type_ids_instead_of_listing_big_tables(desk_api, household):
    """The browsable API draws no <select> of units, households or persons."""
    pages = [
        desk_api.get(f"{API}/households/", HTTP_ACCEPT="text/html"),
        desk_api.get(f"{API}/persons/", HTTP_ACCEPT="text/html"),
        desk_api.get(f"{API}/cards/", HTTP_ACCEPT="text/html"),
    ]
    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        for name in ("unit", "household", "holder", "vehicle"):
            assert f'<select name="{name}"' not in html
    assert 'name="household"' in pages[1].content.decode()


def _fill(project, building, user, count):
    """`count` households, each with every kind of record the API lists."""
    for n in range(count):
        unit = UnitFactory(building=building, project=project, number=f"9{n:03d}", floor=9)
        household = services.household_move_in(
            unit=unit,
            moved_in_on=dt.date(2026, 1, 1),
            by=user,
            persons=[{"name": f"住户{n}", "phone": f"137{n:08d}"}],
        )
        vehicle = services.vehicle_add(household=household, plate=f"粤B{n:05d}", by=user)
        services.card_issue(
            household=household,
            kind="parking",
            number=f"P{n}",
            issued_on=dt.date(2026, 1, 1),
            vehicle=vehicle,
            holder=household.persons.first(),
            by=user,
        )
        services.movein_record(household=household, data={"keys_handed": 2}, by=user)
        decoration = _decoration(household, user)
        services.decoration_set_status(decoration=decoration, status="approved", by=user)
        services.decoration_pass_issue(
            decoration=decoration,
            name="师傅",
            phone="13600000000",
            valid_until=dt.date(2026, 12, 31),
            by=user,
        )
        services.decoration_inspect(
            decoration=decoration,
            kind="routine",
            inspected_on=dt.date(2026, 12, 5),
            result="passed",
            by=user,
        )
        services.note_add(household=household, text="备注", by=user)
        services.attachment_add(
            household=household,
            title="合同",
            file=SimpleUploadedFile("a.txt", b"abc"),
            by=user,
        )


LISTS = [
    "projects",
    "buildings",
    "units",
    "households",
    "persons",
    "vehicles",
    "cards",
    "move-ins",
    "decorations",
    "attachments",
    "notes",
    "changes",
]


def test_list_query_counts_do_not_grow_with_the_page(api_client, project, building, supervisor):
    """Every list endpoint costs the same number of queries for 5 rows as for 50."""
    _fill(project, building, supervisor, 51)
    for n in range(50):
        extra = ProjectFactory(code=f"extra{n}")
        Membership.objects.create(user=supervisor, project=extra)
        BuildingFactory(project=project, number=f"B{n}")
    token = Token.objects.create(user=supervisor)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    for resource in LISTS:
        counts = []
        for size in (5, 50):
            with CaptureQueriesContext(connection) as queries:
                response = api_client.get(f"{API}/{resource}/?page_size={size}")
            assert response.status_code == 200, resource
            assert len(response.json()["results"]) == size, resource
            counts.append(len(queries))
        assert counts[0] == counts[1], (resource, counts)


def test_household_list_and_detail_query_counts(
    api_client, project, building, supervisor, django_assert_num_queries
):
    """The household list and one household's file each cost a fixed number of queries."""
    _fill(project, building, supervisor, 3)
    api_client.force_authenticate(supervisor)
    household = Household.objects.first()
    api_client.get(f"{API}/households/")  # roles, projects and permissions are cached per user
    # households + persons
    with django_assert_num_queries(2):
        assert api_client.get(f"{API}/households/").status_code == 200
    # household with unit and move-in + persons + vehicles + cards, and 6 for its alerts
    # (important, repeated complaints in two, dissatisfied, the user's roles, arrears)
    with django_assert_num_queries(10):
        assert api_client.get(f"{API}/households/{household.pk}/").status_code == 200


DETAIL_QUERIES = {
    # resource: (model, queries) -- the row with its joins, plus one per prefetched list
    "buildings": (Building, 1),
    "units": (Unit, 1),
    "vehicles": (Vehicle, 1),
    "persons": (Person, 1),
    "cards": (Card, 1),
    "decorations": (Decoration, 3),
    "move-ins": (MoveIn, 1),
    "attachments": (Attachment, 1),
    "notes": (Note, 1),
    "changes": (ChangeRecord, 1),
}


def test_detail_query_counts_are_fixed(
    api_client, project, building, supervisor, django_assert_num_queries
):
    """One row of each resource costs a fixed number of queries, however many passes it has."""
    _fill(project, building, supervisor, 2)
    decoration = Decoration.objects.first()
    for _ in range(3):
        services.decoration_pass_issue(
            decoration=decoration, name="师傅", valid_until=dt.date(2026, 12, 31), by=supervisor
        )
    api_client.force_authenticate(supervisor)
    api_client.get(f"{API}/units/")  # roles, projects and permissions are cached per user
    for resource, (model, queries) in DETAIL_QUERIES.items():
        row = model.objects.first()
        with django_assert_num_queries(queries):
            response = api_client.get(f"{API}/{resource}/{row.pk}/")
        assert response.status_code == 200, resource
    shown = api_client.get(f"{API}/decorations/{decoration.pk}/").json()
    assert len(shown["worker_passes"]) == 4


# --- OpenAPI schema and docs ----------------------------------------------------


def test_schema_is_served_as_json_with_the_household_paths(api_client):
    """GET /api/schema/?format=json is an OpenAPI document listing the household file's paths."""
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/households/",
        "/api/v1/households/{id}/move-out/",
        "/api/v1/cards/{id}/status/",
        "/api/v1/decorations/{id}/passes/",
        "/api/v1/decorations/{id}/inspections/",
        "/api/v1/attachments/",
        "/api/v1/changes/",
    ):
        assert path in schema["paths"], path
    assert "delete" not in schema["paths"]["/api/v1/households/{id}/"]
    upload = schema["paths"]["/api/v1/attachments/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload


def test_household_file_schema_generates_without_warnings():
    """The household file's endpoints describe themselves fully: no schema warning or error."""
    from django.urls import include, path
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("residents.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    validate_schema(schema)
    problems = dict(GENERATOR_STATS._warn_cache) | dict(GENERATOR_STATS._error_cache)
    assert problems == {}
    move_out = schema["paths"]["/api/v1/households/{id}/move-out/"]["post"]
    assert move_out["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/HouseholdDetail"
    }


def test_api_docs_page_loads_everything_from_this_server(api_client):
    """/api/docs/ answers 200 and loads Swagger UI from our static files, no outside host."""
    response = api_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "http://" not in html
    assert "https://" not in html
    assert "//cdn" not in html


# --- Buildings and units ----------------------------------------------------------


def test_building_is_handed_to_another_butler_of_the_project(
    api_client, supervisor, building, other_desk_user
):
    """A supervisor sets a building's butler; staff of another project are refused."""
    from frontdesk.core.roles import Role
    from tests.factories import UserFactory

    new_butler = UserFactory(role=Role.BUTLER, projects=[building.project])
    api_client.force_authenticate(supervisor)
    url = f"{API}/buildings/{building.pk}/"
    response = api_client.patch(url, {"butler": new_butler.pk}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["butler"] == new_butler.pk
    refused = api_client.patch(url, {"butler": other_desk_user.pk}, format="json")
    assert refused.status_code == 400
    assert "butler" in refused.json()
    building.refresh_from_db()
    assert building.butler == new_butler


def test_unit_floor_area_correction_is_recorded_in_the_households_history(desk_api, household):
    """A floor area correction shows in the current household's history; status stays put."""
    url = f"{API}/units/{household.unit_id}/"
    response = desk_api.patch(url, {"floor_area": "92.00"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["floor_area"] == "92.00"
    line = desk_api.get(f"{API}/changes/?household={household.pk}").json()["results"][0]
    assert line["changes"]["floor_area"] == ["89.50", "92.00"]
    assert desk_api.patch(url, {"floor_area": "0"}, format="json").status_code == 400
    before = household.unit.status
    desk_api.patch(url, {"status": UnitStatus.DECORATING}, format="json")
    household.unit.refresh_from_db()
    assert household.unit.status == before != UnitStatus.DECORATING


def test_whole_api_schema_validates_without_warnings(tmp_path):
    """`manage.py spectacular --validate --fail-on-warn` passes for the whole API."""
    from django.core.management import call_command
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()  # warnings of earlier schema requests in this process
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/households/" in out.read_text()


def test_history_filter_outside_the_calendar_is_a_field_error(desk_api, household):
    """A history bound whose UTC time falls before year 1 or after 9999 answers 400 on it."""
    for query in (
        {"after": "0001-01-01T00:00:00+08:00"},
        {"before": "9999-12-31T23:59:59-12:00"},
    ):
        response = desk_api.get("/api/v1/changes/", query)
        assert response.status_code == 400
        assert list(response.json()) == list(query)
    fine = desk_api.get("/api/v1/changes/", {"after": "2026-01-01T00:00:00+08:00"})
    assert fine.status_code == 200
