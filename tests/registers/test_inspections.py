"""Patrols and inspections (巡查): checklists, runs item by item, rectification orders,
missed walks."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from frontdesk.core.errors import ApplicationError
from frontdesk.core.open_items import gather_open_items
from frontdesk.registers.models import InspectionRun
from frontdesk.registers.selectors import inspections as selectors
from frontdesk.registers.services import inspections as services
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _checklist(project, by, *, kind="patrol", times=("09:00", "13:00", "17:00", "21:00")):
    return services.checklist_create(
        project=project,
        by=by,
        name="大堂巡查",
        kind=kind,
        times=list(times),
        grace_minutes=30,
        items=[
            services.ItemInput("大堂地面清洁", "cleaning"),
            services.ItemInput("照明", "engineering"),
            services.ItemInput("消防通道畅通", "security"),
        ],
    )


def _results(checklist, failed=()):
    return [
        services.ResultInput(
            item=i.pk, ok=i.name not in failed, note="灯不亮" if i.name in failed else ""
        )
        for i in checklist.items.all()
    ]


def test_only_supervisors_keep_checklists(project, desk_user, supervisor):
    """The desk may not create a checklist; the supervisor may, items in order."""
    with pytest.raises(ApplicationError):
        _checklist(project, desk_user)
    checklist = _checklist(project, supervisor)
    assert [i.name for i in checklist.items.all()] == ["大堂地面清洁", "照明", "消防通道畅通"]
    assert checklist.times == ["09:00", "13:00", "17:00", "21:00"]


def test_failed_item_opens_a_rectification_order_for_its_department(project, supervisor, desk_user):
    """A walk by the desk with the lighting not OK opens a repair order for engineering."""
    checklist = _checklist(project, supervisor)
    run = services.inspection_record(
        checklist=checklist, by=desk_user, results=_results(checklist, failed={"照明"})
    )
    assert run.failed_count == 1
    failed = run.results.get(ok=False)
    ticket = failed.ticket
    assert ticket is not None
    assert (ticket.kind, ticket.department, ticket.source) == ("repair", "engineering", "patrol")
    assert ticket.place == checklist.place and "照明" in ticket.matter
    assert run.results.filter(ticket__isnull=False).count() == 1


def test_cleaning_failure_is_a_free_housekeeping_order(project, supervisor, desk_user):
    """The floor not clean is a housekeeping order for cleaning, not a paid service."""
    checklist = _checklist(project, supervisor)
    run = services.inspection_record(
        checklist=checklist, by=desk_user, results=_results(checklist, failed={"大堂地面清洁"})
    )
    ticket = run.results.get(ok=False).ticket
    assert (ticket.kind, ticket.department, ticket.paid) == ("housekeeping", "cleaning", False)


def test_guard_walk_waits_for_the_desk_to_open_orders(project, supervisor, guard, desk_user):
    """Security may walk the patrol but not register orders: the desk opens them after."""
    checklist = _checklist(project, supervisor)
    run = services.inspection_record(
        checklist=checklist, by=guard, results=_results(checklist, failed={"消防通道畅通"})
    )
    assert not Ticket.objects.exists()
    sections = {s["key"]: s for s in gather_open_items(project=project)}
    assert sections["registers.inspections.rectify"]["items"]
    with pytest.raises(ApplicationError):
        services.inspection_rectify(run=run, by=guard)
    [ticket] = services.inspection_rectify(run=run, by=desk_user)
    assert ticket.department == "security"
    with pytest.raises(ApplicationError):
        services.inspection_rectify(run=run, by=desk_user)


def test_walker_roles_per_kind(project, supervisor, guard, cleaner):
    """A guard may not record the cleaners' inspection; a cleaner may not walk the patrol."""
    cleaning = _checklist(project, supervisor, kind="cleaning")
    patrol = _checklist(project, supervisor, kind="patrol")
    with pytest.raises(ApplicationError):
        services.inspection_record(checklist=cleaning, by=guard, results=_results(cleaning))
    with pytest.raises(ApplicationError):
        services.inspection_record(checklist=patrol, by=cleaner, results=_results(patrol))
    assert services.inspection_record(checklist=cleaning, by=cleaner, results=_results(cleaning))


def test_bad_runs_are_refused_and_write_nothing(project, supervisor, desk_user):
    """An item of another checklist, an item missing, a failed item without a note: refused."""
    checklist = _checklist(project, supervisor)
    other = _checklist(project, supervisor, kind="lobby")
    foreign = services.ResultInput(item=other.items.first().pk, ok=True)
    for results in (
        [*_results(checklist), foreign],
        _results(checklist)[:2],
        [services.ResultInput(item=i.pk, ok=False) for i in checklist.items.all()],
    ):
        with pytest.raises(ApplicationError) as error:
            services.inspection_record(checklist=checklist, by=desk_user, results=results)
        assert "results" in error.value.fields
    assert not InspectionRun.objects.exists() and not Ticket.objects.exists()


def test_missed_walks_around_the_grace(project, supervisor, desk_user):
    """09:00 with 30 minutes' grace: due at 09:29, missed at 09:31, done by a 09:20 walk."""
    checklist = _checklist(project, supervisor)
    day = dt.date(2026, 12, 1)

    def states(hh, mm):
        now = dt.datetime(2026, 12, 1, hh, mm, tzinfo=SHANGHAI)
        with time_machine.travel(now, tick=False):
            slots = selectors.schedule(project_ids=[project.pk], day=day, now=now)
        return [s.state for s in slots]

    assert states(8, 0) == ["later"] * 4
    assert states(9, 29) == ["due", "later", "later", "later"]
    assert states(9, 31) == ["missed", "later", "later", "later"]
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 40, tzinfo=SHANGHAI), tick=False):
        services.inspection_record(
            checklist=checklist,
            by=desk_user,
            results=_results(checklist),
            started_at=dt.datetime(2026, 12, 1, 9, 20, tzinfo=SHANGHAI),
        )
    assert states(13, 45) == ["done", "missed", "later", "later"]


def test_missed_walk_is_an_open_item_of_the_handover(project, supervisor):
    """A patrol not walked by its time plus grace appears in the handover."""
    _checklist(project, supervisor, times=("09:00",))
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        sections = {s["key"]: s for s in gather_open_items(project=project)}
    [item] = sections["registers.inspections.missed"]["items"]
    assert "09:00" in item["text"]


def test_run_page_shows_rectification_orders_and_status(client, project, supervisor, desk_user):
    """The run's page lists the failed item with its order number and the order's status."""
    checklist = _checklist(project, supervisor)
    run = services.inspection_record(
        checklist=checklist, by=desk_user, results=_results(checklist, failed={"照明"})
    )
    ticket = run.results.get(ok=False).ticket
    client.force_login(desk_user)
    page = client.get(reverse("registers:inspection", args=[run.pk])).content.decode()
    assert ticket.serial in page and str(ticket.get_status_display()) in page


def test_walk_page_records_a_run_with_a_photo(client, project, supervisor, desk_user):
    """The phone form records each item, the note and the photo of a failed one."""
    from io import BytesIO

    from PIL import Image

    checklist = _checklist(project, supervisor)
    items = list(checklist.items.all())
    buffer = BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    client.force_login(desk_user)
    url = reverse("registers:inspection-walk", args=[checklist.pk])
    assert client.get(url).status_code == 200
    data = {"started_at": "2026-12-01 09:00"}
    for item in items:
        data[f"ok_{item.pk}"] = "ok"
        data[f"note_{item.pk}"] = ""
    data[f"ok_{items[1].pk}"] = "not_ok"
    data[f"note_{items[1].pk}"] = "两盏灯不亮"
    data[f"photo_{items[1].pk}"] = SimpleUploadedFile("p.png", buffer.getvalue(), "image/png")
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 10, tzinfo=SHANGHAI), tick=False):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    run = InspectionRun.objects.get()
    failed = run.results.get(ok=False)
    assert failed.photo and failed.note == "两盏灯不亮" and failed.ticket_id


def test_api_run_in_one_post_and_bad_input(
    api_client, project, other_project, supervisor, desk_user, other_desk_user
):
    """A run with its items in one POST; a foreign item is a 400; another project's checklist
    is a 404."""
    checklist = _checklist(project, supervisor)
    api_client.force_authenticate(desk_user)
    body = {
        "checklist": checklist.pk,
        "results": [
            {"item": i.pk, "ok": i.name != "照明", "note": "灯不亮" if i.name == "照明" else ""}
            for i in checklist.items.all()
        ],
    }
    response = api_client.post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 201, response.content
    result = [r for r in response.json()["results"] if not r["ok"]][0]
    assert result["ticket"]["department"] == "engineering"
    bad = {**body, "results": [*body["results"], {"item": 999999, "ok": True}]}
    response = api_client.post("/api/v1/inspections/", bad, format="json")
    assert response.status_code == 400 and "results" in response.json()
    other_supervisor_checklist = services.checklist_create(
        project=other_project,
        by=_other_supervisor(other_project),
        name="西山巡查",
        kind="patrol",
        items=[services.ItemInput("照明", "engineering")],
    )
    response = api_client.post(
        "/api/v1/inspections/",
        {
            "checklist": other_supervisor_checklist.pk,
            "results": [{"item": other_supervisor_checklist.items.get().pk, "ok": True}],
        },
        format="json",
    )
    assert response.status_code == 404
    ids = {r["id"] for r in api_client.get("/api/v1/checklists/").json()["results"]}
    assert ids == {checklist.pk}
    failed = api_client.get("/api/v1/inspections/?failed=true").json()["results"]
    assert len(failed) == 1


def _other_supervisor(project):
    from frontdesk.core.roles import Role
    from tests.factories import UserFactory

    return UserFactory(role=Role.SUPERVISOR, projects=[project], username="supervisor2")


def test_api_checklist_writes_are_the_supervisors(api_client, project, desk_user, supervisor):
    """The desk reads checklists but may not create one; the supervisor creates and retires."""
    body = {
        "name": "前台区域检查",
        "kind": "desk_area",
        "times": ["08:30"],
        "items": [{"name": "台面整洁", "department": "customer_service"}],
    }
    api_client.force_authenticate(desk_user)
    assert api_client.post("/api/v1/checklists/", body, format="json").status_code == 400
    api_client.force_authenticate(supervisor)
    response = api_client.post("/api/v1/checklists/", body, format="json")
    assert response.status_code == 201 and response.json()["times"] == ["08:30"]
    pk = response.json()["id"]
    assert api_client.post(f"/api/v1/checklists/{pk}/retire/").json()["is_active"] is False


def test_pages_query_counts(
    client, api_client, project, supervisor, desk_user, django_assert_max_num_queries
):
    """Schedule, checklists, checklist, run pages and the API lists cost fixed queries."""
    checklist = _checklist(project, supervisor)
    for _n in range(4):
        run = services.inspection_record(
            checklist=checklist, by=desk_user, results=_results(checklist, failed={"照明"})
        )
    client.force_login(desk_user)
    api_client.force_authenticate(desk_user)
    for url, limit in (
        (reverse("registers:inspections-today"), 12),
        (reverse("registers:checklists"), 10),
        (reverse("registers:checklist", args=[checklist.pk]), 12),
        (reverse("registers:inspection", args=[run.pk]), 12),
        (reverse("registers:inspection-walk", args=[checklist.pk]), 12),
    ):
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url
    for url in ("/api/v1/inspections/", "/api/v1/checklists/", f"/api/v1/inspections/{run.pk}/"):
        with django_assert_max_num_queries(8):
            assert api_client.get(url).status_code == 200, url


def test_another_projects_run_and_checklist_are_not_found(
    client, project, other_project, supervisor, other_desk_user, desk_user
):
    """Pages answer 404 for a checklist or run of another project."""
    checklist = _checklist(project, supervisor)
    run = services.inspection_record(checklist=checklist, by=desk_user, results=_results(checklist))
    client.force_login(other_desk_user)
    for url in (
        reverse("registers:checklist", args=[checklist.pk]),
        reverse("registers:inspection-walk", args=[checklist.pk]),
        reverse("registers:inspection", args=[run.pk]),
    ):
        assert client.get(url).status_code == 404


def test_supervisor_changes_a_checklist_on_the_page(client, project, supervisor, desk_user):
    """A changed checklist is a new one; the old is retired and its walks keep their items."""
    checklist = _checklist(project, supervisor)
    run = services.inspection_record(checklist=checklist, by=desk_user, results=_results(checklist))
    client.force_login(desk_user)
    assert client.get(reverse("registers:checklist-new")).status_code == 403
    client.force_login(supervisor)
    url = reverse("registers:checklist-new") + f"?replaces={checklist.pk}"
    page = client.get(url).content.decode()
    assert "消防通道畅通" in page
    response = client.post(
        url,
        {
            "project": project.pk,
            "name": "大堂巡查（新）",
            "kind": "patrol",
            "place": "lobby",
            "times": "09:00，14:00",
            "grace_minutes": 20,
            "replaces": checklist.pk,
            "item_1": "照明",
            "department_1": "engineering",
            "item_2": "休息区桌椅",
            "department_2": "customer_service",
        },
    )
    assert response.status_code == 302
    checklist.refresh_from_db()
    assert not checklist.is_active
    new = type(checklist).objects.get(is_active=True)
    assert new.times == ["09:00", "14:00"]
    assert [i.name for i in new.items.all()] == ["照明", "休息区桌椅"]
    assert run.results.count() == 3


def test_registers_page_flags_missed_walks(client, project, supervisor, desk_user):
    """The registers' page loads a badge counting the walks missed so far today."""
    _checklist(project, supervisor, times=("09:00", "13:00"))
    client.force_login(desk_user)
    index = client.get(reverse("registers:index")).content.decode()
    assert reverse("registers:inspections-missed") in index
    with time_machine.travel(dt.datetime(2026, 12, 1, 14, 0, tzinfo=SHANGHAI), tick=False):
        badge = client.get(reverse("registers:inspections-missed")).content.decode()
    assert "2" in badge and "badge bad" in badge
    with time_machine.travel(dt.datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI), tick=False):
        assert client.get(reverse("registers:inspections-missed")).content.strip() == b""


def test_walk_page_asks_what_is_wrong_on_the_items_row(client, project, supervisor, desk_user):
    """A Not OK without a note is refused on that item's row, and nothing is recorded."""
    checklist = _checklist(project, supervisor)
    items = list(checklist.items.all())
    data = {"started_at": "2026-12-01 09:00"}
    for item in items:
        data[f"ok_{item.pk}"] = "ok"
    data[f"ok_{items[0].pk}"] = "not_ok"
    client.force_login(desk_user)
    response = client.post(reverse("registers:inspection-walk", args=[checklist.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors[f"note_{items[0].pk}"]
    assert not InspectionRun.objects.exists()
