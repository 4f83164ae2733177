"""Fuzzing the REST API from its published schema (schemathesis), with a valid token and real ids.

Every operation of /api/schema/ is called with generated requests: path ids are
those of real rows of the caller's project (so the request reaches the code
behind the lookup), bodies and queries are generated from the schema. Each
answer must not be a server error, must use a status code, content type and
body the schema declares. Generation is derandomized: the same requests every
run, so a failure found in CI reproduces locally.

At the end of the session the share of operations reached past validation
(at least one answer below 400, or a domain refusal 403/409 after validation)
is written to var/api-fuzz.json; the README quotes it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from collections import defaultdict
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from frontdesk.core.roles import Role
from tests.factories import (
    BuildingFactory,
    HouseholdFactory,
    PersonFactory,
    ProjectFactory,
    UnitFactory,
    UserFactory,
)

EXAMPLES = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())

# Filled by the `world` fixture of each test: ids of real rows, by resource.
IDS: dict[str, list[int]] = {}
TOKEN: dict[str, str] = {}
OWNER: dict[str, object] = {}
# The orders that offer a step, per operation (filled on the operation's first case).
OFFERED: dict[str, list[int]] = {}
REACHED: dict[str, set[int]] = defaultdict(set)

# The resource a path's {id} names, from the first segment after /api/v1/.
RESOURCE = re.compile(r"^/api/v1/([a-z-]+)/")


# Path parameters named otherwise than `id` that name a row: the resource they name.
NAMED = {"pass_id": "passes"}


def _pick(ids: list[int], value: object) -> int:
    """One of `ids`, chosen by the generated value: the same every run (no salted hash)."""
    return ids[zlib.crc32(repr(value).encode()) % len(ids)]


def _ids_for(path: str) -> list[int]:
    """The ids to use in `path`: for a step of an order, the orders that offer it now."""
    step = TICKET_STEP.match(path)
    if step:
        if path not in OFFERED:
            # Once per operation: the orders' steps change only when one is taken.
            from tickets.models import Ticket
            from tickets.transitions import allowed_actions

            user = OWNER["user"]
            OFFERED[path] = [
                t.pk
                for t in Ticket.objects.filter(pk__in=IDS["tickets"])
                if step.group(1) in {a.url_name for a in allowed_actions(t, user)}
            ]
        if OFFERED[path]:
            return OFFERED[path]
    match = RESOURCE.match(path)
    return IDS.get(match.group(1), []) if match else []


TICKET_STEP = re.compile(r"^/api/v1/tickets/\{id\}/([a-z-]+)/$")


# Fields of a body or a query that name a row, and the resource they name: a generated
# number there is replaced by a real id (the other fields stay as generated).
ROW_FIELDS = {
    "project": "projects",
    "building": "buildings",
    "unit": "units",
    "household": "households",
    "holder": "persons",
    "vehicle": "vehicles",
    "ticket": "tickets",
    "assignee": "staff",
    "lead": "staff",
    "liaison": "staff",
    "by_whom_user": "staff",
}


def _real_ids(values):
    if not isinstance(values, dict):
        return values
    for name, value in values.items():
        ids = IDS.get(ROW_FIELDS.get(name, ""))
        if ids and isinstance(value, int) and not isinstance(value, bool):
            values[name] = _pick(ids, value)
    return values


@schema.hook
def map_body(context, body):
    return _real_ids(body)


@schema.hook
def map_query(context, query):
    return _real_ids(query)


@schema.hook
def map_path_parameters(context, path_parameters):
    if not path_parameters:
        return path_parameters
    for name in path_parameters:
        if name in NAMED:
            ids = IDS.get(NAMED[name], [])
        elif name == "id":
            ids = _ids_for(context.operation.path)
        else:
            continue
        if ids:
            path_parameters[name] = _pick(ids, path_parameters[name])
    return path_parameters


@pytest.fixture
def _keep_test_connection():
    """The WSGI app would close the test's connection at each request's end, as Django's test
    client prevents: keep it open, so that the requests run inside the test's transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _orders(household, desk, engineer, butler):
    """Orders in each status a step starts from, so that every step has an order offering it."""
    from tests.tickets.factories import register
    from tickets import services

    def dispatched(**extra):
        ticket = register(household=household, by=desk, **extra)
        services.ticket_dispatch(
            ticket=ticket, by=desk, department="engineering", assignee=engineer
        )
        return ticket

    def done():
        ticket = dispatched()
        services.ticket_arrive(ticket=ticket, by=engineer)
        services.ticket_complete(ticket=ticket, by=engineer)
        return ticket

    def returned():
        ticket = done()
        services.ticket_return(ticket=ticket, by=desk, late_reason="晚")
        return ticket

    def visited():
        ticket = returned()
        services.ticket_callback(ticket=ticket, by=desk, satisfaction="satisfied")
        return ticket

    for kind in ("repair", "housekeeping", "greening", "convenience"):
        register(household=household, by=desk, kind=kind)
    register(household=household, by=desk, paid=True, fee_quote="80.00", matter="换锁芯")
    accepted = dispatched()
    services.ticket_accept(ticket=accepted, by=engineer)
    paused = dispatched()
    services.ticket_pause(ticket=paused, by=desk, reason="等配件")
    warranty = dispatched()
    services.warranty_pass(ticket=warranty, by=desk, contractor="万达建设", liaison=desk)
    done()
    returned()
    visited()
    closed = visited()
    services.ticket_close(ticket=closed, by=desk)
    complaint = register(
        household=household,
        by=desk,
        kind="complaint",
        complaint={"category": "cleaning", "reason": "service_quality"},
    )
    services.ticket_dispatch(ticket=complaint, by=desk, assignee=butler)
    answered = register(
        household=household,
        by=desk,
        kind="complaint",
        complaint={"category": "greening", "reason": "service_quality"},
    )
    services.ticket_dispatch(ticket=answered, by=desk, assignee=butler)
    services.complaint_butler_reply(ticket=answered, by=butler, reply="已处理")
    services.complaint_answer(ticket=answered, by=desk, answer="已答复住户")


def _build_world():
    """A project with a household file of every kind of record, orders in every status a step
    starts from, and a token of its supervisor; fills IDS, TOKEN and OWNER."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from frontdesk.core.models import IdNumberRead, Notification, Project
    from frontdesk.core.notifications import notify
    from frontdesk.desk import services as desk
    from frontdesk.desk.models import DutyLogEntry, Handover, Incident, Shift
    from residents import services as files
    from residents.models import (
        Attachment,
        Building,
        Card,
        ChangeRecord,
        Decoration,
        DecorationWorkerPass,
        Household,
        MoveIn,
        Note,
        Person,
        Unit,
        Vehicle,
    )
    from tickets import services
    from tickets.models import LiaisonForm, MonthlyContract, Ticket

    project = ProjectFactory(code="east", name="东湖花园")
    butler = UserFactory(role=Role.BUTLER, projects=[project], username="butler1")
    desk_user = UserFactory(role=Role.DESK, projects=[project], username="desk1")
    engineer = UserFactory(role=Role.ENGINEERING, projects=[project], username="engineer1")
    building = BuildingFactory(project=project, number="3", butler=butler)
    unit = UnitFactory(building=building, project=project, number="1502", floor=15)
    household = HouseholdFactory(unit=unit, project=project)
    PersonFactory(household=household, project=project, name="王建国", phone="13812345678")
    # A vacant unit to move into, and a household without its move-in record yet.
    UnitFactory(building=building, project=project, number="1601", floor=16)
    neighbour = HouseholdFactory(
        unit=UnitFactory(building=building, project=project, number="1501", floor=15),
        project=project,
    )
    PersonFactory(household=neighbour, project=project, name="李梅", phone="13912345678")
    user = UserFactory(role=Role.SUPERVISOR, projects=[project], username="fuzz")
    OWNER["user"] = user
    person = household.persons.first()
    person.id_number = "440305199001011234"
    person.save(update_fields=["id_number"])
    files.person_reveal_id_number(person=person, by=user, channel="api", source="fuzz")
    vehicle = files.vehicle_add(household=household, plate="粤B12345", by=desk_user)
    files.card_issue(
        household=household,
        kind="parking",
        number="P1",
        issued_on=dt.date(2026, 1, 1),
        vehicle=vehicle,
        holder=person,
        by=desk_user,
    )
    files.movein_record(household=household, data={"keys_handed": 2}, by=desk_user)
    decoration = files.decoration_apply(
        household=household,
        data={
            "applied_on": dt.date(2026, 11, 20),
            "description": "厨房改造",
            "contractor": "美家装饰",
            "contractor_phone": "13700000000",
            "planned_start": dt.date(2026, 12, 1),
            "planned_end": dt.date(2026, 12, 31),
        },
        by=desk_user,
    )
    files.decoration_set_status(decoration=decoration, status="approved", by=desk_user)
    files.decoration_pass_issue(
        decoration=decoration,
        name="师傅",
        phone="13600000000",
        valid_until=dt.date(2026, 12, 31),
        by=desk_user,
    )
    files.note_add(household=household, text="备注", by=desk_user)
    files.attachment_add(
        household=household, title="合同", file=SimpleUploadedFile("a.txt", b"abc"), by=desk_user
    )
    _orders(household, desk_user, engineer, butler)
    services.liaison_create(
        project=project,
        from_department="customer_service",
        to_department="engineering",
        matter="楼道灯不亮",
        by=desk_user,
    )
    services.contract_create(
        household=household,
        kind="greening",
        service="庭院修剪",
        by=desk_user,
        schedule_type="weekdays",
        schedule_days=[1, 4],
        price="100",
        starts_on=dt.date(2026, 11, 1),
    )
    notify(user=user, topic="summary", title="本周汇总", project=project, is_emergency=True)
    now = timezone.now()
    shift = desk.shift_plan(
        project=project,
        clerk=desk_user,
        starts_at=now - dt.timedelta(hours=8),
        ends_at=now + dt.timedelta(hours=4),
        by=user,
    )
    desk.entry_record(
        project=project,
        by=desk_user,
        data=desk.EntryInput(
            channel="phone",
            kind="consultation",
            matter="询问停水时间",
            caller_name="王先生",
            household=household,
        ),
    )
    desk.incident_record(project=project, by=desk_user, what="电梯困人", where="3栋电梯")
    desk.shift_close(shift=shift, by=desk_user, notes="交班")
    desk.shift_plan(
        project=project,
        clerk=desk_user,
        starts_at=now + dt.timedelta(hours=4),
        ends_at=now + dt.timedelta(hours=12),
        by=user,
    )
    TOKEN["key"] = Token.objects.create(user=user).key

    def ids(model, **where):
        return list(model.objects.filter(**where).order_by("pk").values_list("pk", flat=True))

    IDS.clear()
    IDS.update(
        {
            "projects": ids(Project),
            "buildings": ids(Building),
            "units": ids(Unit),
            "households": ids(Household),
            "persons": ids(Person),
            "vehicles": ids(Vehicle),
            "cards": ids(Card),
            "move-ins": ids(MoveIn),
            "decorations": ids(Decoration),
            "passes": ids(DecorationWorkerPass),
            "notes": ids(Note),
            "attachments": ids(Attachment),
            "changes": ids(ChangeRecord),
            "tickets": ids(Ticket),
            "callbacks": ids(Ticket, status="returned"),
            "liaison-forms": ids(LiaisonForm),
            "contracts": ids(MonthlyContract),
            "notifications": ids(Notification, user=user),
            "audit": ids(IdNumberRead),
            "staff": [desk_user.pk, engineer.pk, butler.pk, user.pk],
            "shifts": ids(Shift),
            "duty-log": ids(DutyLogEntry),
            "incidents": ids(Incident),
            "handovers": ids(Handover),
        }
    )


@pytest.fixture(scope="module")
def _world_rows(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module inside a transaction that is rolled back at its
    end; each test runs in a savepoint of it (the `db` fixture), so that what one operation
    changes is undone before the next."""
    media = tmp_path_factory.mktemp("fuzz-media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            _build_world()
            yield media
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def _media_root(settings, _world_rows):
    """The uploads of the world stay readable by every test of the module."""
    settings.MEDIA_ROOT = _world_rows


@pytest.fixture
def world(_world_rows, db, _keep_test_connection):
    OFFERED.clear()
    return OWNER["user"]


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_its_schema_says(case, world):
    """No operation answers 5xx, and every answer's status, type and body are the declared ones."""
    response = case.call(headers={"Authorization": f"Token {TOKEN['key']}"})
    key = f"{case.operation.method.upper()} {case.operation.path}"
    REACHED[key].add(response.status_code)
    case.validate_response(response, checks=CHECKS)


def pytest_sessionfinish_report() -> dict[str, object]:
    operations = len(REACHED)
    past = sorted(
        k for k, codes in REACHED.items() if any(c < 400 or c in (403, 409) for c in codes)
    )
    return {"operations": operations, "reached_past_validation": len(past), "reached": past}


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    if REACHED:
        out = Path(settings.VAR_DIR) / "api-fuzz.json"
        out.write_text(json.dumps(pytest_sessionfinish_report(), indent=2))
